import type { SprayContent } from './content';
import { detach } from './normalise';
import { AUTH_RESULTS, type AuthEvent, type AuthResult, type LogFamily } from './types';

/**
 * The only state the engine keeps while reading: one small record per distinct (source, account)
 * pair, so memory grows with pairs, never with events or file size. Every detector works from
 * these records after the last input.
 *
 * Layout, for speed: the pair table is open addressing over typed arrays, and each pair's numbers
 * sit packed in two typed arrays (8 times = one 64-byte cache line, 12 counters = 48 bytes). With
 * tens of thousands of pairs nearly every lookup misses the CPU caches, so what counts is how many
 * separate places one event touches: nested Maps and a 25-field object (whose times V8 boxes as
 * heap numbers) touched about three times as many, and ran 2-3x slower.
 */

export const FAMILY_BIT: Record<LogFamily, number> = { entra: 1, m365: 2, windows: 4, sshd: 8, generic: 16 };

const FAIL = 1;
const ENUM = 2;
const LOCK = 4;
const OK = 8;
const OTHER = 16;

const HOUR = 3_600_000;

// Per pair, 192 bytes (three cache lines, adjacent): the key `source \0 account` inline when it
// is latin1 and at most 60 chars (int32 0 = its length, -1 = kept as a string instead; the bytes
// from 4, zero after the key to the next multiple of 4), then 8 times (float64), then 12
// counters (int32). A hit compares the key four bytes at a time, updates the state and touches
// nothing else: no key string, no state object.
const PAIR_BYTES = 192;
const KEY_BYTES = 64;
const KEY_WORDS = KEY_BYTES / 4;
const MAX_INLINE_KEY = KEY_BYTES - 4;
const LONG_KEY = -1;
// per-pair times (Float64Array view)
const TIME_BASE = KEY_BYTES / 8;
const TIME_STRIDE = PAIR_BYTES / 8;
const T_FIRST_FAIL = 0;
const T_LAST_FAIL = 1;
const T_FIRST_OK = 2;
const T_LAST_OK = 3;
const T_FIRST_LOCK = 4;
const T_LAST_LOCK = 5;
const T_FIRST_SEEN = 6;
const T_LAST_SEEN = 7;
/** the FIRST of each span (its LAST follows it) */
const SPANS = [T_FIRST_FAIL, T_FIRST_OK, T_FIRST_LOCK, T_FIRST_SEEN];
// per-pair counters (Int32Array view, after the times)
const COUNT_BASE = (KEY_BYTES + 64) / 4;
const C_FAILS = 0;
const C_ENUM = 1;
const C_LOCKS = 2;
const C_OTHER = 3;
const C_OK = 4;
const C_SUCCESS = 5;
/** pattern id + 1 (0 = no failure yet) */
const C_PATTERN = 6;
/** bits: TYPO, MIXED; families << 8 */
const C_FLAGS = 7;
const C_HOUR = 8;
const C_HOUR_FAILS = 9;
const C_PEAK_HOUR = 10;
/** AUTH_RESULTS index of the first password-right result | the last one << 8 */
const C_OK_RESULTS = 11;
const COUNT_STRIDE = PAIR_BYTES / 4;

const TYPO = 1;
const MIXED = 2;

/** Widens the span at times[first] (its FIRST; its LAST follows) to include time. */
function stretch(times: Float64Array, first: number, time: number): void {
  if (time < times[first]!) times[first] = time;
  if (time > times[first + 1]!) times[first + 1] = time;
}

/** A failure pattern: what the failures of a pair looked like (first failure seen). */
export interface Pattern {
  result: AuthResult;
  code: string | null;
  app: string | null;
}

/** Interns failure patterns as small numbers. */
export class PatternTable {
  readonly list: Pattern[] = [];
  private readonly byApp = new Map<string, Map<string, number>>();
  // consecutive failures mostly share their pattern: a one-entry cache skips both lookups
  private lastResult: AuthResult | null = null;
  private lastCode: string | null = null;
  private lastApp: string | null = null;
  private lastId = -1;

  id(result: AuthResult, code: string | null, app: string | null): number {
    if (result === this.lastResult && code === this.lastCode && app === this.lastApp) return this.lastId;
    const id = this.lookup(result, code, app);
    this.lastResult = result;
    this.lastCode = code;
    this.lastApp = app;
    this.lastId = id;
    return id;
  }

  private lookup(result: AuthResult, code: string | null, app: string | null): number {
    const appKey = app ?? '';
    let inner = this.byApp.get(appKey);
    if (!inner) {
      inner = new Map();
      this.byApp.set(detach(appKey), inner);
    }
    const key = code === null ? result : code;
    let id = inner.get(key);
    if (id === undefined) {
      id = this.list.length;
      this.list.push({ result, code: code === null ? null : detach(code), app: app === null ? null : detach(app) });
      inner.set(detach(key), id);
    }
    return id;
  }
}

/** What the detectors read about one (source, account) pair: a snapshot taken after reading. */
export class PairState {
  /** spray-class failures (classes.sprayFailure) */
  readonly fails: number;
  /** nonexistent / disabled account results (classes.enumeration) */
  readonly enumeration: number;
  readonly locks: number;
  readonly other: number;
  /** password-right results (classes.passwordRight) */
  readonly passwordRight: number;
  readonly successes: number;
  readonly firstFail: number;
  readonly lastFail: number;
  readonly firstOk: number;
  readonly lastOk: number;
  readonly firstOkResult: AuthResult;
  readonly lastOkResult: AuthResult;
  readonly firstLock: number;
  readonly lastLock: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** pattern id of the first failure, -1 before any */
  readonly pattern: number;
  readonly mixedPatterns: boolean;
  /** a failure followed within minutes by a password-right result: a person fixing a typo */
  readonly typoCorrected: boolean;
  /** most failures in one clock hour (exact when the input is time-ordered, a lower bound if not) */
  readonly peakHourFails: number;
  /** FAMILY_BIT of the logs that mentioned the pair */
  readonly families: number;

  constructor(times: Float64Array, counts: Int32Array, id: number) {
    const t = id * TIME_STRIDE + TIME_BASE;
    const c = id * COUNT_STRIDE + COUNT_BASE;
    this.fails = counts[c + C_FAILS]!;
    this.enumeration = counts[c + C_ENUM]!;
    this.locks = counts[c + C_LOCKS]!;
    this.other = counts[c + C_OTHER]!;
    this.passwordRight = counts[c + C_OK]!;
    this.successes = counts[c + C_SUCCESS]!;
    this.firstFail = times[t + T_FIRST_FAIL]!;
    this.lastFail = times[t + T_LAST_FAIL]!;
    this.firstOk = times[t + T_FIRST_OK]!;
    this.lastOk = times[t + T_LAST_OK]!;
    const okResults = counts[c + C_OK_RESULTS]!;
    this.firstOkResult = AUTH_RESULTS[okResults & 0xff] ?? 'success';
    this.lastOkResult = AUTH_RESULTS[(okResults >> 8) & 0xff] ?? 'success';
    this.firstLock = times[t + T_FIRST_LOCK]!;
    this.lastLock = times[t + T_LAST_LOCK]!;
    this.firstSeen = times[t + T_FIRST_SEEN]!;
    this.lastSeen = times[t + T_LAST_SEEN]!;
    this.pattern = counts[c + C_PATTERN]! - 1;
    const flags = counts[c + C_FLAGS]!;
    this.mixedPatterns = (flags & MIXED) !== 0;
    this.typoCorrected = (flags & TYPO) !== 0;
    this.families = flags >> 8;
    this.peakHourFails = counts[c + C_PEAK_HOUR]!;
  }

  /** the source had a password-right result for this account before it first failed */
  get knownBefore(): boolean {
    return this.firstOk < this.firstFail;
  }
}

/**
 * One source's pairs, for the detectors: a view over pair ids. Pair snapshots and account names
 * are made as they are iterated, not kept, so after reading memory stays near the packed per-pair
 * state instead of growing by an object per pair.
 */
export class SourceState {
  readonly pairs: PairView;

  constructor(readonly families: number, ids: Int32Array, agg: Aggregator) {
    this.pairs = new PairView(ids, agg);
  }
}

/** Map-like, read-only view of a source's pairs: account → PairState. */
export class PairView implements Iterable<[string, PairState]> {
  constructor(private readonly ids: Int32Array, private readonly agg: Aggregator) {}

  get size(): number {
    return this.ids.length;
  }

  *[Symbol.iterator](): IterableIterator<[string, PairState]> {
    for (const id of this.ids) yield [this.agg.accountOf(id), this.agg.snapshot(id)];
  }

  *values(): IterableIterator<PairState> {
    for (const id of this.ids) yield this.agg.snapshot(id);
  }

  get(account: string): PairState | undefined {
    for (const id of this.ids) if (this.agg.accountOf(id) === account) return this.agg.snapshot(id);
    return undefined;
  }
}

/**
 * The pairs grouped by source, built once after reading: pair ids ordered by source in one
 * Int32Array, plus one map entry per source. Map-like: iterate [source, SourceState], or get().
 */
export class SourceGroups implements Iterable<[string, SourceState]> {
  private readonly group = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly starts: Int32Array;
  private readonly order: Int32Array;
  private readonly families: Int32Array;

  constructor(private readonly agg: Aggregator, pairCount: number, sourceOfPair: (id: number) => string, familiesOfPair: (id: number) => number) {
    const groupOfPair = new Int32Array(pairCount);
    const sizes: number[] = [];
    for (let id = 0; id < pairCount; id++) {
      const source = sourceOfPair(id);
      let g = this.group.get(source);
      if (g === undefined) {
        g = this.names.length;
        this.group.set(source, g);
        this.names.push(source);
        sizes.push(0);
      }
      groupOfPair[id] = g;
      sizes[g]!++;
    }
    const groups = this.names.length;
    this.starts = new Int32Array(groups + 1);
    for (let g = 0; g < groups; g++) this.starts[g + 1] = this.starts[g]! + sizes[g]!;
    this.order = new Int32Array(pairCount);
    this.families = new Int32Array(groups);
    const fill = this.starts.slice(0, groups);
    for (let id = 0; id < pairCount; id++) {
      const g = groupOfPair[id]!;
      this.order[fill[g]!++] = id;
      this.families[g] = this.families[g]! | familiesOfPair(id);
    }
  }

  get size(): number {
    return this.names.length;
  }

  private state(g: number): SourceState {
    return new SourceState(this.families[g]!, this.order.subarray(this.starts[g]!, this.starts[g + 1]!), this.agg);
  }

  get(source: string): SourceState | undefined {
    const g = this.group.get(source);
    return g === undefined ? undefined : this.state(g);
  }

  *[Symbol.iterator](): IterableIterator<[string, SourceState]> {
    for (let g = 0; g < this.names.length; g++) yield [this.names[g]!, this.state(g)];
  }
}

/** Name of the source of an event: its IP, else its workstation, else "-". */
export function sourceOf(event: AuthEvent): string {
  if (event.ip !== null) return event.ip;
  if (event.workstation) return `workstation:${event.workstation}`;
  return '-';
}

/**
 * Writes the key `source \0 account` into words[at…] in the pair record's layout (length, then
 * bytes, zero to the next multiple of 4; length -1 when it is not latin1 or too long to keep
 * inline) and returns its hash, in one pass over the characters: reading them is what costs here.
 *
 * The hash is seeded FNV-1a-style with a final avalanche: log content is attacker-controlled, so
 * a fixed hash would let crafted account names pile into one bucket; with a random start value,
 * collisions found for one run do not carry over to another.
 */
function writeKey(source: string, account: string, seed: number, bytes: Uint8Array, words: Int32Array, at: number): number {
  const length = source.length + 1 + account.length;
  let h = seed;
  if (length > MAX_INLINE_KEY) {
    for (let i = 0; i < source.length; i++) h = Math.imul(h ^ source.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193);
    for (let i = 0; i < account.length; i++) h = Math.imul(h ^ account.charCodeAt(i), 0x01000193);
    words[at] = LONG_KEY;
    return avalanche(h);
  }
  let p = at * 4 + 4;
  // every character ORed together: above 255 when one of them is not latin1
  let bits = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    bytes[p++] = c;
    bits |= c;
  }
  h = Math.imul(h ^ 0xff, 0x01000193);
  bytes[p++] = 0;
  for (let i = 0; i < account.length; i++) {
    const c = account.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    bytes[p++] = c;
    bits |= c;
  }
  while ((p & 3) !== 0) bytes[p++] = 0;
  words[at] = bits > 255 ? LONG_KEY : length;
  return avalanche(h);
}

function avalanche(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

const INITIAL_PAIRS = 1 << 11;
/** events applied together by Aggregator.flush */
const BATCH = 32;

const RESULT_INDEX = new Map(AUTH_RESULTS.map((result, index) => [result, index]));

export class Aggregator {
  readonly patterns = new PatternTable();
  /** pairs created so far (the batch not counted: read pairCount) */
  private pairs = 0;
  events = 0;
  minTime = Infinity;
  maxTime = -Infinity;
  private readonly flags: Record<AuthResult, number>;
  private readonly typoMs: number;
  private readonly seed = (Math.random() * 0xffffffff) | 0 || 0x811c9dc5;

  /** per slot: pair id + 1 (0 = empty) and the pair's hash, interleaved; at most half full */
  private slots = new Int32Array(INITIAL_PAIRS * 4);
  private mask = INITIAL_PAIRS * 2 - 1;
  private capacity = INITIAL_PAIRS;
  private state = new ArrayBuffer(INITIAL_PAIRS * PAIR_BYTES);
  private times = new Float64Array(this.state);
  private counts = new Int32Array(this.state);
  /** keys that do not fit inline (long, or not latin1), by pair id */
  private readonly longKeys = new Map<number, string>();
  private grouped: SourceGroups | null = null;
  // Events wait in a small batch so that their table slots and pair states are loaded together
  // (see flush): with tens of thousands of pairs and a gigabyte of text passing through the cache,
  // waiting for those misses one event at a time took about a third of the analysis.
  private readonly batch: AuthEvent[] = [];
  private readonly batchBits = new Int32Array(BATCH);
  private readonly batchSources: string[] = [];
  private readonly batchHashes = new Int32Array(BATCH);
  /** each batched event's key, laid out as in a pair record (KEY_WORDS words each) */
  private readonly batchKeyWords = new Int32Array(BATCH * KEY_WORDS);
  private readonly batchKeyBytes = new Uint8Array(this.batchKeyWords.buffer);
  /** what the touch loads read, kept so the compiler cannot drop them */
  private touched = 0;

  constructor(content: SprayContent) {
    const flags = {} as Record<AuthResult, number>;
    for (const result of AUTH_RESULTS) {
      let f = 0;
      if (content.sprayFailure.has(result)) f |= FAIL;
      if (content.enumeration.has(result)) f |= ENUM;
      if (result === 'locked') f |= LOCK;
      if (content.passwordRight.has(result)) f |= OK;
      if (result === 'other_failure') f |= OTHER;
      flags[result] = f;
    }
    this.flags = flags;
    this.typoMs = content.file.thresholds.typoCorrectionMinutes * 60_000;
  }

  /** The id of the pair of batched event k, created when new. */
  private pairId(source: string, account: string, hash: number, k: number): number {
    const slots = this.slots;
    let slot = hash & this.mask;
    for (;;) {
      const stored = slots[slot * 2]!;
      if (stored === 0) break;
      if (slots[slot * 2 + 1] === hash && this.sameKey(stored - 1, k, source, account)) return stored - 1;
      slot = (slot + 1) & this.mask;
    }
    const id = this.pairs++;
    if (id >= this.capacity) this.growPairs();
    this.storeKey(id, k, source, account);
    const t = id * TIME_STRIDE + TIME_BASE;
    const times = this.times;
    // every span starts empty: FIRST = Infinity, LAST = -Infinity
    for (const first of SPANS) {
      times[t + first] = Infinity;
      times[t + first + 1] = -Infinity;
    }
    this.counts[id * COUNT_STRIDE + COUNT_BASE + C_HOUR] = -1;
    slots[slot * 2] = id + 1;
    slots[slot * 2 + 1] = hash;
    this.grouped = null;
    if (this.pairs * 2 > this.mask + 1) this.growSlots();
    return id;
  }

  private storeKey(id: number, k: number, source: string, account: string): void {
    const from = k * KEY_WORDS;
    const length = this.batchKeyWords[from]!;
    const words = this.counts;
    const to = id * COUNT_STRIDE;
    if (length !== LONG_KEY) {
      const used = 1 + ((length + 3) >> 2);
      for (let w = 0; w < used; w++) words[to + w] = this.batchKeyWords[from + w]!;
      return;
    }
    words[to] = LONG_KEY;
    this.longKeys.set(id, detach(`${source}\u0000${account}`));
  }

  /** Pair id's key is batched event k's: four bytes at a time when both are inline. */
  private sameKey(id: number, k: number, source: string, account: string): boolean {
    const words = this.counts;
    const at = id * COUNT_STRIDE;
    const length = words[at]!;
    const from = k * KEY_WORDS;
    if (length !== this.batchKeyWords[from]) return false;
    if (length === LONG_KEY) {
      const key = this.longKeys.get(id)!;
      return key.length === source.length + 1 + account.length && key.charCodeAt(source.length) === 0 && key.startsWith(source) && key.endsWith(account);
    }
    const used = 1 + ((length + 3) >> 2);
    for (let w = 1; w < used; w++) if (words[at + w] !== this.batchKeyWords[from + w]) return false;
    return true;
  }

  /** The key of a pair as [source, account]. */
  private keyOf(id: number): [string, string] {
    const length = this.counts[id * COUNT_STRIDE]!;
    const key = length === LONG_KEY ? this.longKeys.get(id)! : Buffer.from(this.state, id * PAIR_BYTES + 4, length).toString('latin1');
    const split = key.indexOf('\u0000');
    return [key.slice(0, split), key.slice(split + 1)];
  }

  private growPairs(): void {
    this.capacity *= 2;
    const state = new ArrayBuffer(this.capacity * PAIR_BYTES);
    new Uint8Array(state).set(new Uint8Array(this.state));
    this.state = state;
    this.times = new Float64Array(state);
    this.counts = new Int32Array(state);
  }

  private growSlots(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size * 2);
    const mask = size - 1;
    for (let i = 0; i < old.length; i += 2) {
      const id = old[i]!;
      if (id === 0) continue;
      const hash = old[i + 1]!;
      let slot = hash & mask;
      while (slots[slot * 2] !== 0) slot = (slot + 1) & mask;
      slots[slot * 2] = id;
      slots[slot * 2 + 1] = hash;
    }
    this.slots = slots;
    this.mask = mask;
  }

  add(event: AuthEvent, familyBit: number): void {
    const time = event.time;
    this.events++;
    if (time < this.minTime) this.minTime = time;
    if (time > this.maxTime) this.maxTime = time;
    const n = this.batch.length;
    this.batch.push(event);
    this.batchBits[n] = familyBit;
    if (n + 1 === BATCH) this.flush();
  }

  /** Pairs created so far, every added event counted. */
  get pairCount(): number {
    this.flush();
    return this.pairs;
  }

  /**
   * Applies the batched events in their order. First every event's hash and table slot, then the
   * state of each pair already known, are read in loops of independent loads, so the CPU waits
   * for their cache misses together instead of one after another; then each event is applied
   * with its data in cache.
   */
  flush(): void {
    const batch = this.batch;
    const n = batch.length;
    if (n === 0) return;
    const sources = this.batchSources;
    const hashes = this.batchHashes;
    const slots = this.slots;
    const mask = this.mask;
    let touched = this.touched;
    const keyBytes = this.batchKeyBytes;
    const keyWords = this.batchKeyWords;
    for (let k = 0; k < n; k++) {
      const event = batch[k]!;
      const source = event.ip !== null ? event.ip : sourceOf(event);
      sources[k] = source;
      const hash = writeKey(source, event.account, this.seed, keyBytes, keyWords, k * KEY_WORDS);
      hashes[k] = hash;
      touched ^= slots[(hash & mask) * 2]!;
    }
    const times = this.times;
    const counts = this.counts;
    for (let k = 0; k < n; k++) {
      const slot = hashes[k]! & mask;
      const stored = slots[slot * 2]!;
      if (stored !== 0 && slots[slot * 2 + 1] === hashes[k]) {
        const id = stored - 1;
        // one load in each cache line of the pair's 192 bytes: the key, the times, the counters
        const t = id * TIME_STRIDE + TIME_BASE;
        touched ^= counts[id * COUNT_STRIDE]! ^ (times[t + T_FIRST_FAIL]! | 0) ^ (times[t + T_LAST_SEEN]! | 0) ^ counts[id * COUNT_STRIDE + COUNT_BASE + C_FLAGS]!;
      }
    }
    this.touched = touched;
    for (let k = 0; k < n; k++) this.apply(batch[k]!, this.batchBits[k]!, this.pairId(sources[k]!, batch[k]!.account, hashes[k]!, k));
    batch.length = 0;
  }

  private apply(event: AuthEvent, familyBit: number, id: number): void {
    const time = event.time;
    const times = this.times;
    const counts = this.counts;
    const t = id * TIME_STRIDE + TIME_BASE;
    const c = id * COUNT_STRIDE + COUNT_BASE;
    counts[c + C_FLAGS] = counts[c + C_FLAGS]! | (familyBit << 8);
    stretch(times, t + T_FIRST_SEEN, time);
    if (event.lockoutNotice === true) {
      this.countLock(times, counts, t, c, time);
      return;
    }
    const f = this.flags[event.result];
    if (f & FAIL) {
      this.countFailure(times, counts, t, c, time);
      const pattern = this.patterns.id(event.result, event.code, event.app) + 1;
      const current = counts[c + C_PATTERN]!;
      if (current === 0) counts[c + C_PATTERN] = pattern;
      else if (current !== pattern) counts[c + C_FLAGS] = counts[c + C_FLAGS]! | MIXED;
    }
    if (f & ENUM) counts[c + C_ENUM] = counts[c + C_ENUM]! + 1;
    if (f & LOCK) this.countLock(times, counts, t, c, time);
    if (f & OK) this.countPasswordRight(times, counts, t, c, time, event.result);
    if (f & OTHER) counts[c + C_OTHER] = counts[c + C_OTHER]! + 1;
  }

  private countFailure(times: Float64Array, counts: Int32Array, t: number, c: number, time: number): void {
    counts[c + C_FAILS] = counts[c + C_FAILS]! + 1;
    stretch(times, t + T_FIRST_FAIL, time);
    const hour = Math.floor(time / HOUR);
    let inHour = 1;
    if (counts[c + C_HOUR] === hour) inHour = counts[c + C_HOUR_FAILS]! + 1;
    else counts[c + C_HOUR] = hour;
    counts[c + C_HOUR_FAILS] = inHour;
    if (inHour > counts[c + C_PEAK_HOUR]!) counts[c + C_PEAK_HOUR] = inHour;
    // newest-first logs (Graph) show the correction before the typo
    if ((counts[c + C_FLAGS]! & TYPO) === 0 && (this.fixesTypo(time, times[t + T_FIRST_OK]!) || this.fixesTypo(time, times[t + T_LAST_OK]!))) {
      counts[c + C_FLAGS] = counts[c + C_FLAGS]! | TYPO;
    }
  }

  private countPasswordRight(times: Float64Array, counts: Int32Array, t: number, c: number, time: number, result: AuthResult): void {
    counts[c + C_OK] = counts[c + C_OK]! + 1;
    if (result === 'success') counts[c + C_SUCCESS] = counts[c + C_SUCCESS]! + 1;
    const index = RESULT_INDEX.get(result) ?? 0;
    if (time < times[t + T_FIRST_OK]!) {
      times[t + T_FIRST_OK] = time;
      counts[c + C_OK_RESULTS] = (counts[c + C_OK_RESULTS]! & ~0xff) | index;
    }
    if (time > times[t + T_LAST_OK]!) {
      times[t + T_LAST_OK] = time;
      counts[c + C_OK_RESULTS] = (counts[c + C_OK_RESULTS]! & 0xff) | (index << 8);
    }
    if ((counts[c + C_FLAGS]! & TYPO) === 0 && (this.fixesTypo(times[t + T_LAST_FAIL]!, time) || this.fixesTypo(times[t + T_FIRST_FAIL]!, time))) {
      counts[c + C_FLAGS] = counts[c + C_FLAGS]! | TYPO;
    }
  }

  /** A password-right result at `ok` within the typo window after a failure at `fail`: a typo fixed. */
  private fixesTypo(fail: number, ok: number): boolean {
    return ok >= fail && ok - fail <= this.typoMs;
  }

  private countLock(times: Float64Array, counts: Int32Array, t: number, c: number, time: number): void {
    counts[c + C_LOCKS] = counts[c + C_LOCKS]! + 1;
    stretch(times, t + T_FIRST_LOCK, time);
  }

  /** A snapshot of one pair's numbers (a new object each call). */
  snapshot(id: number): PairState {
    return new PairState(this.times, this.counts, id);
  }

  /** The account of a pair. */
  accountOf(id: number): string {
    return this.keyOf(id)[1];
  }

  /** The pairs grouped by source, for the detectors (built once, after the last event). */
  get sources(): SourceGroups {
    this.flush();
    this.grouped ??= new SourceGroups(this, this.pairs, (id) => this.keyOf(id)[0], (id) => this.counts[id * COUNT_STRIDE + COUNT_BASE + C_FLAGS]! >> 8);
    return this.grouped;
  }
}
