import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadSprayContent } from '../../../src/spray/content';
import { entraFast } from '../../../src/spray/formats/entra';
import { JsonLocator, WASM_PATH, type LocatorField } from '../../../src/spray/formats/json-locator';
import { parseIsoTime } from '../../../src/spray/normalise';
import { WasmArena } from '../../../src/spray/readers/arena';
import { BytesChunk, type Chunk } from '../../../src/spray/readers/lines';
import { rng as random } from '../../../scripts/gen-spray-fixtures';
import { newTempDir } from '../../support/temp-dir';

/**
 * The WebAssembly locator is checked against JSON.parse on generated records: whatever it
 * reports must be what the parsed record holds under the same rules, and plain records must not
 * be left to the slow path.
 */

const ROOT = path.resolve(__dirname, '../../..');

function chunkOf(line: string): Chunk {
  return new BytesChunk(Buffer.from(line, 'utf8'));
}

const FIELDS: LocatorField[] = [
  { keys: ['createdDateTime', 'TimeGenerated'] },
  { keys: ['userPrincipalName', 'UserPrincipalName'] },
  { keys: ['ipAddress', 'IPAddress', 'callerIpAddress'] },
  { keys: ['errorCode', 'ResultType'] },
  { keys: ['Status'], unless: 3 },
  { keys: ['clientAppUsed', 'ClientAppUsed', 'appDisplayName'] },
];
const ALL_KEYS = FIELDS.flatMap((field) => field.keys);

/** Every value of `key` anywhere in the parsed record (the generator keeps keys unique). */
function lookup(record: unknown, key: string): unknown {
  if (!record || typeof record !== 'object') return undefined;
  for (const [name, value] of Object.entries(record as Record<string, unknown>)) {
    if (name === key) return value;
    const inner = lookup(value, key);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

const isPlain = (value: unknown): boolean =>
  (typeof value === 'string' && /^[\x20-\x7e]*$/.test(value) && !/["\\]/.test(value))
  || (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e15)
  || typeof value === 'boolean';

type Expected = { unsure: true } | { unsure: false; values: unknown[] };

const UNSURE = Symbol('unsure');

/** What the locator must report for a parsed record, by the rules in wasm/json-fields.ts. */
function expected(record: unknown): Expected {
  const values: unknown[] = FIELDS.map((field) => {
    for (const key of field.keys) {
      const found = lookup(record, key);
      if (found === undefined || found === null || found === '') continue;
      return isPlain(found) ? found : UNSURE;
    }
    return undefined;
  });
  FIELDS.forEach((field, index) => {
    if (field.unless !== undefined && values[field.unless] !== undefined) values[index] = undefined;
  });
  return values.includes(UNSURE) ? { unsure: true } : { unsure: false, values };
}

const PLAIN_VALUES: unknown[] = ['alice@contoso.com', '2024-10-02T09:14:41.123Z', '198.51.100.7', 'Exchange ActiveSync', '', null, 0, 50126, -12, true, false];
/** values the locator leaves to JavaScript, and a key's name as a value */
const ODD_VALUES: unknown[] = [12.5, 1e21, 'a "quoted" word', 'back\\slash', 'zoë', { nested: 1 }, [1, 2], 'userPrincipalName'];

/** A record of some wanted keys (random spellings, order and values) among unwanted ones. */
function generateRecord(next: () => number): Record<string, unknown> {
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)]!;
  const value = (): unknown => pick(next() < 0.04 ? ODD_VALUES : PLAIN_VALUES);
  const entries: Array<[string, unknown]> = [];
  for (const key of ALL_KEYS) if (next() < 0.45) entries.push([key, value()]);
  for (let i = 0; i < 4; i++) entries.push([`other${i}`, value()]);
  // sometimes a wanted key sits in a nested object, as status.errorCode does in Graph records
  if (next() < 0.3) {
    const inner = entries.splice(Math.floor(next() * entries.length), 1);
    entries.push(['status', Object.fromEntries(inner)]);
  }
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries);
}

/** JSON with random spaces around the colons and commas, as exporters differ. */
function serialise(value: unknown, next: () => number): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value);
  const space = (): string => (next() < 0.2 ? ' ' : '');
  const parts = Object.entries(value).map(([key, inner]) => `${JSON.stringify(key)}${space()}:${space()}${serialise(inner, next)}`);
  return `{${parts.join(`,${space()}`)}}`;
}

function located(locator: JsonLocator): unknown[] {
  return FIELDS.map((_, index) => {
    const time = locator.time(index);
    return Number.isNaN(time) ? locator.value(index) : time;
  });
}

function withTimes(values: unknown[]): unknown[] {
  return values.map((value) => {
    if (typeof value !== 'string') return value;
    const time = parseIsoTime(value);
    return time >= 1e11 && time < 1e13 ? time : value;
  });
}

describe('WebAssembly JSON locator', () => {
  it('is built from its source: the committed binary is what `npm run build:wasm` makes', () => {
    const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['build:wasm']!;
    const dir = newTempDir('wasm-');
    const out = path.join(dir, 'json-fields.wasm');
    const args = script.replace(/^asc\s+/, '').replace('-o wasm/json-fields.wasm', `-o ${out}`).split(/\s+/);
    execFileSync(process.execPath, [require.resolve('assemblyscript/bin/asc'), ...args], { cwd: ROOT, stdio: 'pipe' });
    expect(readFileSync(out).equals(readFileSync(WASM_PATH))).toBe(true);
  });

  it('reports what the parsed record holds, on 20,000 generated records, and leaves only unplain ones to JavaScript', () => {
    const next = random(20261123);
    const locator = JsonLocator.create(FIELDS)!;
    let plain = 0;
    let locatedPlain = 0;
    for (let i = 0; i < 20_000; i++) {
      const record = generateRecord(next);
      const line = serialise(record, next);
      const chunk = chunkOf(line);
      const want = expected(JSON.parse(line));
      const found = locator.locate(chunk, 0, chunk.bytes.length);
      if (!want.unsure) {
        plain++;
        if (found) locatedPlain++;
      }
      if (found) {
        if (want.unsure) throw new Error(`located a record it should have left to JavaScript: ${line}`);
        expect({ line, values: located(locator) }).toEqual({ line, values: withTimes(want.values) });
      }
    }
    expect(plain).toBeGreaterThan(10_000);
    // a value like "userPrincipalName" (a key's name as a value) makes a line unsure; little else
    expect(locatedPlain / plain).toBeGreaterThan(0.95);
  });

  it('reads ISO 8601 times exactly as parseIsoTime does, and none outside 1973-2286', () => {
    const next = random(7);
    const locator = JsonLocator.create([{ keys: ['t'] }])!;
    const bases = ['2024-10-02T09:14:41Z', '2024-02-29 23:59:60.9999999+05:30', '1999-12-31t00:00', '2024-10-02T09:14:41,5-0130', '2024-10-02T09:14:41.123456789+02',
      '1970-01-01T00:00:00Z', '2300-01-01T00:00:00Z', '2024-13-01T00:00:00Z', '2024-02-31T12:00:00Z', '2024-10-02T24:00:00Z'];
    const alphabet = '0123456789-:T Zz+.,x';
    let compared = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = bases[i % bases.length]!;
      // mutate: change, drop or add a character
      const edits = Math.floor(next() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * (text.length + 1));
        const c = alphabet[Math.floor(next() * alphabet.length)]!;
        const kind = next();
        text = kind < 0.4 ? text.slice(0, at) + c + text.slice(at + 1) : kind < 0.7 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + c + text.slice(at);
      }
      const chunk = chunkOf(JSON.stringify({ t: text }));
      expect(locator.locate(chunk, 0, chunk.bytes.length)).toBe(true);
      const reference = parseIsoTime(text);
      const want = reference >= 1e11 && reference < 1e13 ? reference : NaN;
      const got = locator.time(0);
      if (!Object.is(got, want)) throw new Error(`${JSON.stringify(text)}: locator ${got}, parseIsoTime ${reference}`);
      if (!Number.isNaN(want)) compared++;
    }
    expect(compared).toBeGreaterThan(4_000);
  });

  it('searches bytes in the arena where they were read, up to the very end of a read buffer', () => {
    const arena = new WasmArena(1, 4096);
    const locator = JsonLocator.create(FIELDS, arena)!;
    const line = '{"userPrincipalName":"bob@contoso.com","createdDateTime":"2024-10-02T09:14:41Z"}';
    const buffer = arena.readBuffers[0]!;
    buffer.fill(0x7b); // '{' everywhere, so nothing after the line can look like its end
    const at = buffer.length - line.length;
    buffer.write(line, at, 'latin1');
    const chunk = new BytesChunk(buffer);
    expect(arena.holds(buffer)).toBe(true);
    expect(locator.locate(chunk, at, buffer.length)).toBe(true);
    expect(locator.value(1)).toBe('bob@contoso.com');
    expect(locator.time(0)).toBe(Date.UTC(2024, 9, 2, 9, 14, 41));
    // the same line from a buffer outside the arena is copied in first, with the same answer
    const outside = chunkOf(line);
    expect(arena.holds(outside.bytes)).toBe(false);
    expect(locator.locate(outside, 0, outside.bytes.length)).toBe(true);
    expect(locator.value(1)).toBe('bob@contoso.com');
  });

  it('gives the same answers when it locates a whole chunk of lines at once as line by line', () => {
    const next = random(99);
    const lines: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      const kind = next();
      // mostly records; some empty lines, CRLF endings, lines that are not objects, records with
      // long values (the line and value areas fill up, so the chunk is located in rounds) and one
      // whose value is larger than the whole value area
      const long = (length: number): string => JSON.stringify({ userPrincipalName: 'x'.repeat(length), createdDateTime: '2024-10-02T09:14:41Z' });
      if (i === 1_500) lines.push(long(100_000));
      else if (kind < 0.03) lines.push('');
      else if (kind < 0.05) lines.push('not json');
      else if (kind < 0.06) lines.push(long(1_000 + Math.floor(next() * 10_000)));
      else lines.push(serialise(generateRecord(next), next) + (next() < 0.1 ? '\r' : ''));
    }
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const whole = new BytesChunk(bytes, true);
    const single = new BytesChunk(bytes, false);
    const byChunk = JsonLocator.create(FIELDS)!;
    const byLine = JsonLocator.create(FIELDS)!;
    let start = 0;
    let compared = 0;
    for (;;) {
      const nl = bytes.indexOf(10, start);
      if (nl < 0) break;
      const end = nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl;
      if (end > start) {
        const a = byChunk.locate(whole, start, end);
        const b = byLine.locate(single, start, end);
        expect(a).toBe(b);
        if (a) {
          expect(located(byChunk)).toEqual(located(byLine));
          compared++;
        }
      }
      start = nl + 1;
    }
    expect(bytes.length).toBeLessThan(1 << 20); // the locator's own scratch area
    expect(compared).toBeGreaterThan(2_000);

    // located whole, a chunk's text is never decoded: only its values are
    let textReads = 0;
    class CountingChunk extends BytesChunk {
      override get text(): string {
        textReads++;
        return super.text;
      }
    }
    const head = Buffer.from(`${lines.slice(0, 1_000).join('\n')}\n`, 'utf8');
    const counted = new CountingChunk(head, true);
    const locator = JsonLocator.create(FIELDS)!;
    let found = 0;
    for (let at = 0, nl = head.indexOf(10); nl >= 0; at = nl + 1, nl = head.indexOf(10, at)) {
      const end = nl > at && head[nl - 1] === 13 ? nl - 1 : nl;
      if (end > at && locator.locate(counted, at, end)) {
        located(locator);
        found++;
      }
    }
    expect(found).toBeGreaterThan(700);
    expect(textReads).toBe(0);
  });

  it('declines keys it cannot take, and the extractor then works without it', () => {
    expect(JsonLocator.create([{ keys: ['zoë'] }])).toBeNull();
    expect(JsonLocator.create(Array.from({ length: 40 }, (_, i) => ({ keys: [`field${i}`] })))).toBeNull();
    expect(JsonLocator.create([{ keys: ['x'.repeat(300)] }])).toBeNull();
  });

  it('takes the first spelling in path order on every line, also after a line where it was empty', () => {
    const fast = entraFast(loadSprayContent());
    const lines = [
      '{"createdDateTime":"2024-10-02T09:14:41Z","userPrincipalName":"a@b.com","clientAppUsed":"","appDisplayName":"Office 365"}',
      '{"createdDateTime":"2024-10-02T09:14:42Z","userPrincipalName":"a@b.com","clientAppUsed":"IMAP4","appDisplayName":"Office 365"}',
      // the same with a non-ASCII value, so the JavaScript extractor reads them
      '{"createdDateTime":"2024-10-02T09:14:41Z","userPrincipalName":"zoë@b.com","clientAppUsed":"","appDisplayName":"Office 365"}',
      '{"createdDateTime":"2024-10-02T09:14:42Z","userPrincipalName":"zoë@b.com","clientAppUsed":"IMAP4","appDisplayName":"Office 365"}',
    ];
    const apps = lines.map((line) => {
      const chunk = chunkOf(line);
      return fast.extract(chunk, 0, chunk.bytes.length)?.app;
    });
    expect(apps).toEqual(['Office 365', 'IMAP4', 'Office 365', 'IMAP4']);
  });
});
