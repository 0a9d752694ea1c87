import { isAscii } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSprayContent } from '../../../src/spray/content';
import { entraFast } from '../../../src/spray/formats/entra';
import { fastExtractor, type FastExtractor } from '../../../src/spray/formats/fields';
import { windowsFast } from '../../../src/spray/formats/windows';
import type { Chunk } from '../../../src/spray/readers/lines';
import { fixture, readEvents, tempDir } from './helpers';

function chunkOf(line: string): Chunk {
  const bytes = Buffer.from(line, 'utf8');
  return { text: bytes.toString('latin1'), bytes, ascii: isAscii(bytes) };
}

function extract<F extends string>(fast: FastExtractor<F>, line: string): Record<string, unknown> | null {
  const chunk = chunkOf(line);
  const fields = fast.extract(chunk, 0, chunk.bytes.length);
  return fields ? { ...fields } : null;
}

describe('NDJSON fast path', () => {
  const content = loadSprayContent();

  it('pulls only the needed fields, with spaces around colons, numbers and UTF-8', () => {
    const fast = entraFast(content);
    const line = '{"createdDateTime": "2024-10-02T09:14:41Z", "userPrincipalName" : "zoë@contoso.com","ipAddress":"198.19.4.17","clientAppUsed":"IMAP4","status":{"errorCode":50126}}';
    expect(extract(fast, line)).toEqual({
      time: '2024-10-02T09:14:41Z', account: 'zoë@contoso.com', ip: '198.19.4.17', code: 50126, status: undefined, app: 'IMAP4',
    });
  });

  it('hands escapes, nested values, keys inside strings and broken lines to JSON.parse', () => {
    const fast = entraFast(content);
    expect(extract(fast, '{"createdDateTime":"2024-10-02T09:14:41Z","userPrincipalName":"a\\u0040b.com"}')).toBeNull();
    expect(extract(fast, '{"createdDateTime":{"v":1},"userPrincipalName":"a@b.com"}')).toBeNull();
    expect(extract(fast, '{"createdDateTime":"2024-10-02T09:14:41Z","userPrincipalName":"a@b.com"')).toBeNull();
    // the text "userPrincipalName" inside a value is not the key
    const tricky = extract(fast, '{"note":"xuserPrincipalName\\" is a key","createdDateTime":"2024-10-02T09:14:41Z","userPrincipalName":"real@b.com"}');
    expect(tricky?.account ?? null).not.toBe(' is a key');
  });

  it('reads Windows winlogbeat records without a full parse', () => {
    const fast = windowsFast(content);
    const line = '{"@timestamp":"2024-10-07T13:00:00.123Z","winlog":{"event_id":"4625","event_data":{"TargetUserName":"ALICE","Status":"0xc000006d","SubStatus":"0xc000006a","LogonType":"3","IpAddress":"10.20.0.99"}}}';
    expect(extract(fast, line)).toMatchObject({ eventId: '4625', account: 'ALICE', subStatus: '0xc000006a', ip: '10.20.0.99' });
  });

  it('reads JSON inside a CSV field with its quotes still doubled (Purview AuditData) without unescaping it', () => {
    const fast = fastExtractor(content.file.fields.m365.json, { required: ['operation', 'time', 'account'], doubledQuotes: true });
    const audit = JSON.stringify({ CreationTime: '2024-10-02T09:14:41', Operation: 'UserLoginFailed', UserId: 'meganb@contoso.com', ClientIP: '198.19.4.17', ErrorNumber: '50126', RecordType: 15 });
    expect(extract(fast, audit.replace(/"/g, '""'))).toMatchObject({
      time: '2024-10-02T09:14:41', operation: 'UserLoginFailed', account: 'meganb@contoso.com', ip: '198.19.4.17', code: '50126',
    });
    // an escaped quote inside a value goes to JSON.parse
    expect(extract(fast, JSON.stringify({ CreationTime: 'x', Operation: 'a"b', UserId: 'u' }).replace(/"/g, '""'))).toBeNull();
  });

  it('agrees with the full parse on the realistic samples', async () => {
    for (const name of ['entra.ndjson', 'windows-winlogbeat.ndjson', 'windows-nxlog.ndjson']) {
      const { summary } = await readEvents(fixture(name));
      expect([name, summary.fastPath]).toEqual([name, true]);
    }
  });

  it('switches itself off, and the results stay right, when a key also appears nested in the records', async () => {
    // every record carries a nested "ipAddress" between the user name and the real one: the fast
    // path would read the wrong one
    const dir = tempDir();
    const file = path.join(dir, 'odd.ndjson');
    const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({
      createdDateTime: `2024-10-02T09:${String(10 + i).padStart(2, '0')}:00Z`,
      userPrincipalName: `user${i}@contoso.com`,
      deviceDetail: { ipAddress: '10.0.0.1' },
      ipAddress: '198.51.100.9',
      status: { errorCode: 50126 },
    }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { summary, events } = await readEvents(file);
    expect(summary.fastPath).toBe(false);
    expect(events.map((e) => e.ip)).toEqual(Array(10).fill('198.51.100.9'));
  });

  describe('journald records', () => {
    /** sshd's two messages for one attempt on a nonexistent user, paired by pid */
    function attempt(i: number): string[] {
      const at = 1_710_000_000_000_000 + i * 1_000_000;
      const pid = { ...(i % 4 === 0 ? {} : { SYSLOG_PID: String(1000 + i) }), _PID: String(1000 + i) };
      const from = `198.51.100.${i % 250} port ${40000 + i}`;
      const failed = `Failed password for invalid user u${i} from ${from} ssh2`;
      return [
        JSON.stringify({ __REALTIME_TIMESTAMP: String(at), SYSLOG_IDENTIFIER: 'sshd', ...pid, MESSAGE: `Invalid user u${i} from ${from}` }),
        JSON.stringify({
          __REALTIME_TIMESTAMP: String(at + 500_000), SYSLOG_IDENTIFIER: 'sshd', ...pid,
          ...(i % 7 === 0 ? { NOTE: 'say "hi"' } : {}),
          // journald writes a message that is not valid UTF-8 as its bytes
          MESSAGE: i % 5 === 0 ? [...Buffer.from(failed)] : failed,
        }),
      ];
    }

    it('reads them without a full parse, pairing messages by pid also where only _PID is given', async () => {
      const file = path.join(tempDir(), 'journal.ndjson');
      writeFileSync(file, `${Array.from({ length: 300 }, (_, i) => attempt(i)).flat().join('\n')}\n`);
      const { summary, events } = await readEvents(file);
      expect(summary).toMatchObject({ format: 'sshd/journald', fastPath: true, malformed: 0, events: 300 });
      expect(events.map((e) => [e.account, e.result, e.ip, e.time])).toEqual(Array.from({ length: 300 }, (_, i) =>
        [`u${i}`, 'unknown_account', `198.51.100.${i % 250}`, 1_710_000_000_000 + i * 1000 + 500]));
    });

    it('switches itself off, and the results stay right, when a field also appears nested', async () => {
      const file = path.join(tempDir(), 'journal-odd.ndjson');
      const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify({
        __REALTIME_TIMESTAMP: String(1_710_000_000_000_000 + i * 1_000_000),
        CONTEXT: { MESSAGE: 'Accepted password for mallory from 203.0.113.1 port 1 ssh2' },
        SYSLOG_IDENTIFIER: 'sshd', SYSLOG_PID: String(i), MESSAGE: `Failed password for root from 198.51.100.7 port ${i} ssh2`,
      }));
      writeFileSync(file, `${lines.join('\n')}\n`);
      const { summary, events } = await readEvents(file);
      expect(summary.fastPath).toBe(false);
      expect(events).toHaveLength(100);
      expect(new Set(events.map((e) => `${e.account} ${e.result}`))).toEqual(new Set(['root bad_password']));
    });
  });
});
