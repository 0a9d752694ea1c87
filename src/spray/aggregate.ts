import type { SprayContent } from './content';
import { detach } from './normalise';
import { AUTH_RESULTS, type AuthEvent, type AuthResult, type LogFamily } from './types';

/**
 * The only state the engine keeps while reading: one small record per distinct (source, account)
 * pair, so memory grows with pairs, never with events or file size. Every detector works from
 * these records after the last input.
 */

export const FAMILY_BIT: Record<LogFamily, number> = { entra: 1, m365: 2, windows: 4, sshd: 8, generic: 16 };

const FAIL = 1;
const ENUM = 2;
const LOCK = 4;
const OK = 8;
const OTHER = 16;

const HOUR = 3_600_000;

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

export class PairState {
  /** spray-class failures (classes.sprayFailure) */
  fails = 0;
  /** nonexistent / disabled account results (classes.enumeration) */
  enumeration = 0;
  locks = 0;
  other = 0;
  /** password-right results (classes.passwordRight) */
  passwordRight = 0;
  successes = 0;
  firstFail = Infinity;
  lastFail = -Infinity;
  firstOk = Infinity;
  lastOk = -Infinity;
  firstOkResult: AuthResult = 'success';
  lastOkResult: AuthResult = 'success';
  firstLock = Infinity;
  lastLock = -Infinity;
  /** any result */
  firstSeen = Infinity;
  lastSeen = -Infinity;
  /** pattern id of the first failure, -1 before any */
  pattern = -1;
  mixedPatterns = false;
  /** a failure followed within minutes by a password-right result: a person fixing a typo */
  typoCorrected = false;
  /** failures per clock hour, for the brute-force rate (exact when the input is time-ordered) */
  private hour = -1;
  private hourFails = 0;
  peakHourFails = 0;

  countFailure(time: number, typoMs: number): void {
    this.fails++;
    if (time < this.firstFail) this.firstFail = time;
    if (time > this.lastFail) this.lastFail = time;
    const hour = Math.floor(time / HOUR);
    if (hour === this.hour) {
      this.hourFails++;
    } else {
      this.hour = hour;
      this.hourFails = 1;
    }
    if (this.hourFails > this.peakHourFails) this.peakHourFails = this.hourFails;
    // newest-first logs (Graph) show the correction before the typo
    if (!this.typoCorrected && ((this.firstOk >= time && this.firstOk - time <= typoMs) || (this.lastOk >= time && this.lastOk - time <= typoMs))) {
      this.typoCorrected = true;
    }
  }

  countPasswordRight(time: number, result: AuthResult, typoMs: number): void {
    this.passwordRight++;
    if (result === 'success') this.successes++;
    if (time < this.firstOk) {
      this.firstOk = time;
      this.firstOkResult = result;
    }
    if (time > this.lastOk) {
      this.lastOk = time;
      this.lastOkResult = result;
    }
    if (!this.typoCorrected && ((time >= this.lastFail && time - this.lastFail <= typoMs) || (time >= this.firstFail && time - this.firstFail <= typoMs))) {
      this.typoCorrected = true;
    }
  }

  countLock(time: number): void {
    this.locks++;
    if (time < this.firstLock) this.firstLock = time;
    if (time > this.lastLock) this.lastLock = time;
  }

  /** the source had a password-right result for this account before it first failed */
  get knownBefore(): boolean {
    return this.firstOk < this.firstFail;
  }
}

export class SourceState {
  readonly pairs = new Map<string, PairState>();
  /** FAMILY_BIT of every log family that mentioned this source */
  families = 0;
}

/** Name of the source of an event: its IP, else its workstation, else "-". */
export function sourceOf(event: AuthEvent): string {
  if (event.ip !== null) return event.ip;
  if (event.workstation) return `workstation:${event.workstation}`;
  return '-';
}

export class Aggregator {
  readonly sources = new Map<string, SourceState>();
  readonly patterns = new PatternTable();
  pairCount = 0;
  events = 0;
  minTime = Infinity;
  maxTime = -Infinity;
  private readonly flags: Record<AuthResult, number>;
  private readonly typoMs: number;

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

  add(event: AuthEvent, familyBit: number): void {
    const time = event.time;
    this.events++;
    if (time < this.minTime) this.minTime = time;
    if (time > this.maxTime) this.maxTime = time;
    const sourceKey = event.ip !== null ? event.ip : sourceOf(event);
    let source = this.sources.get(sourceKey);
    if (source === undefined) {
      source = new SourceState();
      this.sources.set(detach(sourceKey), source);
    }
    source.families |= familyBit;
    let pair = source.pairs.get(event.account);
    if (pair === undefined) {
      pair = new PairState();
      source.pairs.set(detach(event.account), pair);
      this.pairCount++;
    }
    if (time < pair.firstSeen) pair.firstSeen = time;
    if (time > pair.lastSeen) pair.lastSeen = time;
    if (event.lockoutNotice === true) {
      pair.countLock(time);
      return;
    }
    const f = this.flags[event.result];
    if (f & FAIL) {
      pair.countFailure(time, this.typoMs);
      const pattern = this.patterns.id(event.result, event.code, event.app);
      if (pair.pattern < 0) pair.pattern = pattern;
      else if (pair.pattern !== pattern) pair.mixedPatterns = true;
    }
    if (f & ENUM) pair.enumeration++;
    if (f & LOCK) pair.countLock(time);
    if (f & OK) pair.countPasswordRight(time, event.result, this.typoMs);
    if (f & OTHER) pair.other++;
  }
}
