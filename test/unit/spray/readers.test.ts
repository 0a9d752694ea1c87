import { readFileSync } from 'node:fs';
import { forEachJsonElement } from '../../../src/spray/readers/json-doc';
import { forEachLine, utf8Of } from '../../../src/spray/readers/lines';
import { fixture } from './helpers';

/** The bytes cut into pieces of `size` (the last may be shorter). */
async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Like pieces(), but every yielded buffer is overwritten once the next is requested (as the file reader does). */
async function* reusedPieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  const scratch = Buffer.alloc(size);
  for (let i = 0; i < bytes.length; i += size) {
    const n = bytes.copy(scratch, 0, i, i + size);
    yield scratch.subarray(0, n);
    scratch.fill(0x21);
  }
}

async function lines(bytes: Buffer, size: number, reuse = false): Promise<Array<[number, string]>> {
  const out: Array<[number, string]> = [];
  await forEachLine(reuse ? reusedPieces(bytes, size) : pieces(bytes, size), (chunk, start, end, lineNo) => {
    out.push([lineNo, utf8Of(chunk, start, end)]);
  });
  return out;
}

async function elements(bytes: Buffer, size: number): Promise<{ records: unknown[]; outcome: Awaited<ReturnType<typeof forEachJsonElement>> }> {
  const records: unknown[] = [];
  const outcome = await forEachJsonElement(pieces(bytes, size), (chunk, start, end) => {
    records.push(JSON.parse(chunk.bytes.toString('utf8', start, end)));
  });
  return { records, outcome };
}

describe('line splitter', () => {
  const text = Buffer.from('\ufefffirst line\r\nsecond ünïcödé line\n\nfourth\nlast without newline', 'utf8');

  it('gives every line with its number, without CR, BOM or empty lines, whatever the chunk size', async () => {
    const expected: Array<[number, string]> = [[1, 'first line'], [2, 'second ünïcödé line'], [4, 'fourth'], [5, 'last without newline']];
    for (const size of [1, 2, 3, 7, 16, 1024]) {
      expect(await lines(text, size)).toEqual(expected);
      expect(await lines(text, size, true)).toEqual(expected);
    }
  });

  it('skips a line longer than the limit and reports it, then goes on', async () => {
    const big = Buffer.from(`short\n${'x'.repeat(5000)}\nafter\n`);
    const seen: string[] = [];
    const oversized: number[] = [];
    await forEachLine(pieces(big, 512), (chunk, start, end) => seen.push(utf8Of(chunk, start, end)), {
      maxLineBytes: 1000,
      onOversized: (lineNo) => oversized.push(lineNo),
    });
    expect(seen).toEqual(['short', 'after']);
    expect(oversized).toEqual([2]);
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await forEachLine(pieces(text, 4), () => undefined, { signal: controller.signal })).toBe(false);
  });
});

describe('JSON document splitter', () => {
  it('yields the records of a pretty-printed Graph page at every chunk size', async () => {
    const bytes = readFileSync(fixture('entra-graph-page.json'));
    const whole = (JSON.parse(bytes.toString('utf8')) as { value: unknown[] }).value;
    for (const size of [1, 5, 64, 333, 100000]) {
      const { records, outcome } = await elements(bytes, size);
      expect(outcome).toEqual({ kind: 'complete' });
      expect(records).toEqual(whole);
    }
  });

  it('reads a top-level array, an Azure Monitor {records}, concatenated pages and bare records one after another', async () => {
    const doc = Buffer.from('[{"a":1},{"a":"}]{"},{"a":[1,{"b":2}]}]');
    expect((await elements(doc, 3)).records).toEqual([{ a: 1 }, { a: '}]{' }, { a: [1, { b: 2 }] }]);
    const monitor = Buffer.from('{"records":[{"x":1},{"x":2}]}');
    expect((await elements(monitor, 4)).records).toEqual([{ x: 1 }, { x: 2 }]);
    const pages = Buffer.from('{"@odata.context":"c","value":[{"p":1}],"@odata.nextLink":"n"}\n{"value":[{"p":2},{"p":3}]}');
    expect((await elements(pages, 7)).records).toEqual([{ p: 1 }, { p: 2 }, { p: 3 }]);
    const jq = Buffer.from('{\n  "createdDateTime": "x",\n  "q": "\\"}"\n}\n{\n  "createdDateTime": "y"\n}\n');
    expect((await elements(jq, 5)).records).toEqual([{ createdDateTime: 'x', q: '"}' }, { createdDateTime: 'y' }]);
  });

  it('reports a broken structure and a truncated document with the byte offset', async () => {
    const broken = await elements(Buffer.from('{"value":[{"a":1}]} garbage'), 8);
    expect(broken.records).toEqual([{ a: 1 }]);
    expect(broken.outcome).toMatchObject({ kind: 'broken', offset: 20 });
    const truncated = await elements(Buffer.from('{"value":[{"a":1},{"a":'), 8);
    expect(truncated.records).toEqual([{ a: 1 }]);
    expect(truncated.outcome).toMatchObject({ kind: 'broken', reason: 'the document ends in the middle of a record' });
  });
});
