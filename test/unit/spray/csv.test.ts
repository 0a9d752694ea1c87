import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { rng } from '../../../scripts/gen-spray-fixtures';
import { forEachCsvRow, guessDelimiter } from '../../../src/spray/readers/csv';
import { fixture } from './helpers';

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  const scratch = Buffer.alloc(size);
  for (let i = 0; i < bytes.length; i += size) {
    const n = bytes.copy(scratch, 0, i, i + size);
    yield scratch.subarray(0, n); // overwritten after: as the file reader's buffers are
    scratch.fill(0x2a);
  }
}

/** Every record (header included) as arrays of strings, through our reader. */
async function ours(bytes: Buffer, size: number, delimiter = ','): Promise<{ rows: string[][]; bad: Array<[number, string]> }> {
  const rows: string[][] = [];
  const bad: Array<[number, string]> = [];
  await forEachCsvRow(pieces(bytes, size), (header) => {
    rows.push(header);
    return (row) => rows.push(Array.from({ length: row.length }, (_, i) => row.get(i)!));
  }, { delimiter, onBadRow: (line, reason) => bad.push([line, reason]) });
  return { rows, bad };
}

/** The same through csv-parse, the reference. */
function reference(bytes: Buffer, delimiter = ','): string[][] {
  return parse(bytes, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
}

describe('CSV reader, checked against csv-parse', () => {
  it.each(['entra-portal.csv', 'entra-signinlogs.csv', 'm365-purview.csv'])('reads %s exactly as csv-parse does, at any chunk size', async (name) => {
    const bytes = readFileSync(fixture(name));
    const expected = reference(bytes);
    for (const size of [7, 64, 1000, 1 << 20]) expect((await ours(bytes, size)).rows).toEqual(expected);
  });

  it('agrees on generated records with quotes, doubled quotes, delimiters and line breaks inside fields, CRLF and UTF-8', async () => {
    const random = rng(99);
    const alphabet = ['a', 'b', 'Z', '0', ' ', ',', '"', '\n', '\r\n', 'é', '€', 'ü', ';', '\t', 'x'];
    const cell = (): string => {
      const n = Math.floor(random() * 8);
      let text = '';
      for (let i = 0; i < n; i++) text += alphabet[Math.floor(random() * alphabet.length)]!;
      return /[",\r\n]/.test(text) || random() < 0.2 ? `"${text.replace(/"/g, '""')}"` : text;
    };
    for (let round = 0; round < 30; round++) {
      const lines: string[] = [];
      const columns = 1 + Math.floor(random() * 6);
      for (let r = 0; r < 40; r++) lines.push(Array.from({ length: columns }, cell).join(','));
      const newline = random() < 0.5 ? '\n' : '\r\n';
      const bytes = Buffer.from(`${lines.join(newline)}${newline}`, 'utf8');
      const expected = reference(bytes);
      expect((await ours(bytes, 1 + Math.floor(random() * 50))).rows).toEqual(expected);
    }
  });

  it('reads semicolon-separated files and guesses the delimiter from the header', async () => {
    const bytes = readFileSync(fixture('generic.csv'));
    expect(guessDelimiter('when;who;from;outcome;service')).toBe(';');
    expect(guessDelimiter('"a;b",c,d')).toBe(',');
    expect((await ours(bytes, 13, ';')).rows).toEqual(reference(bytes, ';'));
  });

  it('reports a file that ends inside a quoted field', async () => {
    const { rows, bad } = await ours(Buffer.from('a,b\n1,2\n3,"never closed\n4,5\n'), 5);
    expect(rows).toEqual([['a', 'b'], ['1', '2']]);
    expect(bad).toEqual([[3, 'the file ends inside a quoted field']]);
  });
});
