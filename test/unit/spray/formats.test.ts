import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fixture, readEvents, tempDir, utc } from './helpers';

describe('Entra sign-in logs', () => {
  it('reads a pretty-printed Graph page: time, UPN in lower case, IP, result class, client app, code', async () => {
    const { summary, events } = await readEvents(fixture('entra-graph-page.json'));
    expect(summary).toMatchObject({ format: 'entra/json', events: 4, malformed: 0, gzip: false });
    expect(events[0]).toEqual({
      time: utc('2024-10-02T09:15:03Z'), account: 'adelev@contoso.com', ip: '203.0.113.10', result: 'success', app: 'Browser', code: '0',
    });
    expect(events[1]).toMatchObject({ time: utc('2024-10-02T09:14:41.123Z'), result: 'bad_password', code: '50126', app: 'Authenticated SMTP' });
    expect(events[2]).toMatchObject({ ip: '2001:db8:85a3::8a2e:370:7334', result: 'mfa_required_password_ok', code: '50076' });
    expect(events[3]).toMatchObject({ result: 'locked', code: '50053', app: 'IMAP4' });
  });

  it('reads a compact page and classifies unknown accounts and Conditional Access blocks', async () => {
    const { summary, events } = await readEvents(fixture('entra-graph-page-2.json'));
    expect(summary.format).toBe('entra/json');
    expect(events.map((e) => [e.account, e.ip, e.result])).toEqual([
      ['nobody@contoso.com', '198.19.9.201', 'unknown_account'],
      ['irvins@contoso.com', '198.51.100.23', 'mfa_required_password_ok'],
    ]);
  });

  it('reads the Log Analytics SigninLogs JSON export (ResultType is a string)', async () => {
    const { summary, events } = await readEvents(fixture('entra-signinlogs.json'));
    expect(summary).toMatchObject({ format: 'entra/json', events: 3, malformed: 0 });
    expect(events.map((e) => [e.account, e.result, e.app])).toEqual([
      ['meganb@contoso.com', 'bad_password', 'Exchange ActiveSync'],
      ['alexw@contoso.com', 'success', 'Mobile Apps and Desktop clients'],
      ['former.employee@contoso.com', 'disabled', 'Other clients'],
    ]);
    expect(events[0]!.time).toBe(utc('2024-10-02T09:15:03.214Z'));
  });

  it('reads the SigninLogs CSV export with its US-locale timestamps', async () => {
    const { summary, events } = await readEvents(fixture('entra-signinlogs.csv'));
    expect(summary).toMatchObject({ format: 'entra/csv', events: 3, malformed: 0 });
    expect(events[0]).toMatchObject({ time: utc('2024-10-02T09:15:03.214Z'), account: 'meganb@contoso.com', result: 'bad_password', code: '50126' });
    expect(events[1]).toMatchObject({ time: utc('2024-10-02T09:16:44Z'), result: 'success' });
  });

  it('reads the Azure Monitor storage export ({ records: [ { properties } ] })', async () => {
    const { summary, events } = await readEvents(fixture('entra-azure-monitor.json'));
    expect(summary.format).toBe('entra/json');
    expect(events).toEqual([{
      time: utc('2024-10-02T09:15:03.214Z'), account: 'meganb@contoso.com', ip: '198.19.4.17', result: 'bad_password', app: 'Exchange ActiveSync', code: '50126',
    }]);
  });

  it('maps the portal CSV download by header name and counts a row without a user name', async () => {
    const { summary, events } = await readEvents(fixture('entra-portal.csv'));
    expect(summary).toMatchObject({ format: 'entra/csv', events: 3, malformed: 1 });
    expect(summary.samples[0]).toMatchObject({ reason: 'no user principal name' });
    expect(events.map((e) => [e.account, e.ip, e.result, e.app])).toEqual([
      ['adelev@contoso.com', '203.0.113.10', 'success', 'Browser'],
      ['meganb@contoso.com', '198.19.4.17', 'bad_password', 'Authenticated SMTP'],
      ['leeg@contoso.com', '2001:db8:85a3::8a2e:370:7334', 'mfa_required_password_ok', 'Mobile Apps and Desktop clients'],
    ]);
  });

  it('reads NDJSON, counts a truncated line, a non-JSON line and a bad date with their line numbers, and keeps going', async () => {
    const { summary, events } = await readEvents(fixture('entra.ndjson'));
    expect(summary.format).toBe('entra/ndjson');
    expect(summary.malformed).toBe(3);
    expect(summary.samples.map((s) => s.line)).toEqual([4, 5, 6]);
    expect(summary.samples[0]!.reason).toMatch(/not valid JSON/);
    expect(summary.samples[2]!.reason).toMatch(/time/);
    expect(summary.samples[1]!.text).toBe('this line is not JSON at all');
    expect(events).toHaveLength(5);
    // escapes and non-ASCII come through JSON.parse / UTF-8 intact; "-" is no address
    expect(events[3]).toMatchObject({ account: 'renée.müller@contoso.com', ip: '198.51.100.23', result: 'mfa_required_password_ok', code: '53003' });
    expect(events[4]).toMatchObject({ account: 'zoë@contoso.com', ip: null, result: 'bad_password' });
    expect(events[2]!.ip).toBe('2001:db8:85a3::8a2e:370:7334');
  });
});

describe('Microsoft 365 unified audit log', () => {
  it('reads a Purview CSV: AuditData JSON per row, sign-in operations only, ports stripped from ClientIP', async () => {
    const { summary, events } = await readEvents(fixture('m365-purview.csv'));
    expect(summary).toMatchObject({ format: 'm365/csv', events: 4, skipped: 1, malformed: 1 });
    expect(summary.samples[0]!.reason).toMatch(/AuditData is not valid JSON/);
    expect(events.map((e) => [e.account, e.ip, e.result, e.code])).toEqual([
      ['meganb@contoso.com', '198.19.4.17', 'bad_password', '50126'],
      ['alexw@contoso.com', '203.0.113.10', 'success', '0'],
      ['pradeepg@contoso.com', '2001:db8::17', 'locked', '50053'],
      ['leeg@contoso.com', '198.19.4.18', 'mfa_required_password_ok', 'UserStrongAuthClientAuthNRequiredInterrupt'],
    ]);
    expect(events[0]!.time).toBe(utc('2024-10-02T09:14:41Z'));
  });

  it('reads audit records as NDJSON', async () => {
    const { summary, events } = await readEvents(fixture('m365-audit.ndjson'));
    expect(summary).toMatchObject({ format: 'm365/ndjson', events: 2, skipped: 1, malformed: 0 });
    expect(events[1]).toMatchObject({ account: 'alexw@contoso.com', result: 'success' });
  });
});

describe('Windows Security events', () => {
  it('reads winlogbeat records: 4625 by SubStatus, 4740 lockout notice, 4771 Kerberos, 4776 NTLM; skips machine and service logons', async () => {
    const { summary, events } = await readEvents(fixture('windows-winlogbeat.ndjson'));
    expect(summary.format).toBe('windows/ndjson');
    expect(summary.malformed).toBe(1); // 4625 without TargetUserName
    expect(summary.skipped).toBe(3); // WS-12$, SYSTEM type 5, event 4688
    expect(events.map((e) => [e.account, e.ip, e.result, e.code])).toEqual([
      ['alice', '10.20.0.99', 'bad_password', '0xc000006a'],
      ['nosuchuser', '10.20.0.99', 'unknown_account', '0xc0000064'],
      ['bob', '10.20.0.99', 'locked', '0xc0000234'],
      ['bob', null, 'locked', '4740'],
      ['carol', '10.20.1.12', 'success', null],
      ['dave', '10.20.1.14', 'bad_password', '0x18'],
      ['erin', null, 'bad_password', '0xc000006a'],
    ]);
    expect(events[3]).toMatchObject({ workstation: 'ws-099', lockoutNotice: true });
    expect(events[6]).toMatchObject({ workstation: 'ws-15', app: 'ntlm' });
    expect(events[0]).toMatchObject({ app: 'windows logon type 3', workstation: 'ws-099', time: utc('2024-10-07T13:00:00.123Z') });
  });

  it('reads EVTX-to-JSON: EventID as a number or {#text}, TimeCreated attributes, EventData as an object or a Data array', async () => {
    const { summary, events } = await readEvents(fixture('windows-evtx.json'));
    expect(summary).toMatchObject({ format: 'windows/json', events: 2, malformed: 0 });
    expect(events).toEqual([
      { time: utc('2024-10-07T13:00:00.123Z'), account: 'alice', ip: '198.51.100.77', result: 'bad_password', app: 'windows logon type 10', code: '0xc000006a', workstation: null },
      { time: utc('2024-10-07T13:05:00Z'), account: 'alice', ip: '198.51.100.77', result: 'success', app: 'windows logon type 10', code: null, workstation: null },
    ]);
  });

  it('reads flat NXLog JSON', async () => {
    const { summary, events } = await readEvents(fixture('windows-nxlog.ndjson'));
    expect(summary.format).toBe('windows/ndjson');
    expect(events.map((e) => [e.account, e.ip, e.result])).toEqual([
      ['frank', '198.51.100.90', 'disabled'],
      ['grace', '127.0.0.1', 'success'],
    ]);
  });
});

describe('sshd', () => {
  const now = new Date('2024-06-01T00:00:00Z');

  it('reads auth.log: attempts only, "Invalid user" and its failure counted once, year inferred across midnight', async () => {
    const { summary, events } = await readEvents(fixture('auth.log'), { now });
    expect(summary.format).toBe('sshd/syslog');
    expect(summary.malformed).toBe(1);
    expect(summary.samples[0]).toMatchObject({ line: 18, reason: 'not a syslog line', text: 'garbage that is not syslog' });
    expect(events.map((e) => [e.account, e.ip, e.result, e.code])).toEqual([
      ['deploy', '10.20.1.10', 'success', 'accepted'],
      ['admin', '203.0.113.66', 'unknown_account', 'failed-invalid-user'],
      ['oracle', '203.0.113.66', 'unknown_account', 'invalid-user'],
      ['root', '203.0.113.66', 'bad_password', 'failed-password'],
      ['root', '203.0.113.66', 'bad_password', 'failed-password'],
      ['alice', '198.51.100.4', 'bad_password', 'failed-password'],
      ['alice', '198.51.100.4', 'success', 'accepted'],
      ['bob', '2001:db8::44', 'success', 'accepted'],
      ['ubuntu', '203.0.113.68', 'unknown_account', 'failed-invalid-user'],
      ['pi', '203.0.113.67', 'unknown_account', 'invalid-user'],
    ]);
    expect(events[0]!.time).toBe(utc('2024-03-09T23:59:58Z'));
    expect(events[1]!.time).toBe(utc('2024-03-10T00:01:14Z'));
  });

  it('puts a December log in the previous year when the reference time is in January', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'auth.log');
    writeFileSync(file, 'Dec 31 23:59:59 h sshd[1]: Failed password for root from 198.51.100.1 port 1 ssh2\nJan  1 00:00:05 h sshd[2]: Failed password for root from 198.51.100.1 port 2 ssh2\n');
    const { events } = await readEvents(file, { now: new Date('2025-01-02T00:00:00Z') });
    expect(events.map((e) => new Date(e.time).toISOString())).toEqual(['2024-12-31T23:59:59.000Z', '2025-01-01T00:00:05.000Z']);
  });

  it('reads RFC 3339 and RFC 5424 prefixes with their offsets', async () => {
    const { summary, events } = await readEvents(fixture('secure-rfc3339.log'));
    expect(summary).toMatchObject({ format: 'sshd/syslog', events: 3, malformed: 0 });
    expect(events[0]).toMatchObject({ time: utc('2024-03-09T23:01:14.123Z'), account: 'admin', result: 'unknown_account' });
    expect(events[2]).toMatchObject({ time: utc('2024-03-10T00:02:09Z'), account: 'alice', result: 'success' });
  });

  it('reads journalctl -o json: µs timestamps, byte-array messages, other programs skipped', async () => {
    const { summary, events } = await readEvents(fixture('journal.ndjson'));
    expect(summary).toMatchObject({ format: 'sshd/journald', malformed: 0, skipped: 1 });
    expect(events.map((e) => [e.account, e.result, e.time])).toEqual([
      ['admin', 'unknown_account', 1710028874000],
      ['root', 'bad_password', 1710028890000],
      ['josé', 'success', 1710028929000],
    ]);
  });
});

describe('generic CSV with a column map', () => {
  const columnMap = { time: 'when', account: 'who', ip: 'from', result: 'outcome', app: 'service' };

  it('reads any header through the map and classifies words; an unknown result word is malformed', async () => {
    const { summary, events } = await readEvents(fixture('generic.csv'), { columnMap });
    expect(summary).toMatchObject({ format: 'generic/csv', events: 3, malformed: 1 });
    expect(summary.samples[0]!.reason).toMatch(/"weird" is not a known code or word/);
    expect(events.map((e) => [e.account, e.result, e.app])).toEqual([
      ['alice@contoso.com', 'bad_password', 'vpn'],
      ['alice@contoso.com', 'success', 'vpn'],
      ['bob@contoso.com', 'locked', 'vpn'],
    ]);
  });

  it('names the missing column and the header it found', async () => {
    const { summary } = await readEvents(fixture('generic.csv'), { columnMap: { ...columnMap, result: 'status' } });
    expect(summary.error).toMatch(/result → "status".*the header has: when, who, from, outcome, service/);
    expect(summary.events).toBe(0);
  });

  it('refuses a CSV nobody can map, telling the user to give a column map', async () => {
    const { summary } = await readEvents(fixture('generic.csv'));
    expect(summary.error).toMatch(/CSV header not recognised.*column map/);
  });
});

describe('compression, detection and errors', () => {
  it('reads gzip by its magic bytes, whatever the file is called', async () => {
    const dir = tempDir();
    const gz = path.join(dir, 'signins.log');
    writeFileSync(gz, gzipSync(readFileSync(fixture('entra.ndjson'))));
    const plain = await readEvents(fixture('entra.ndjson'));
    const zipped = await readEvents(gz);
    expect(zipped.summary).toMatchObject({ gzip: true, format: 'entra/ndjson', malformed: plain.summary.malformed });
    expect(zipped.events).toEqual(plain.events);
  });

  it('reads a gzipped CSV and a gzipped syslog file', async () => {
    const dir = tempDir();
    const csv = path.join(dir, 'm365.csv.gz');
    writeFileSync(csv, gzipSync(readFileSync(fixture('m365-purview.csv'))));
    expect((await readEvents(csv)).summary).toMatchObject({ gzip: true, format: 'm365/csv', events: 4 });
    const log = path.join(dir, 'auth.log.1.gz');
    writeFileSync(log, gzipSync(readFileSync(fixture('auth.log'))));
    expect((await readEvents(log, { now: new Date('2024-06-01T00:00:00Z') })).summary).toMatchObject({ gzip: true, format: 'sshd/syslog', events: 10 });
  });

  it('lets --format override detection, and says when the override does not fit', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'export.txt');
    copyFileSync(fixture('entra-signinlogs.json'), file);
    expect((await readEvents(file, { format: 'entra/json' })).summary.events).toBe(3);
    expect((await readEvents(file, { format: 'windows' })).summary).toMatchObject({ events: 0, skipped: 3 });
    expect((await readEvents(fixture('auth.log'), { format: 'entra' })).summary.error).toMatch(/entra logs are not syslog lines/);
  });

  it('reports a missing file, an empty file and an unknown format without throwing', async () => {
    expect((await readEvents('/nonexistent/spray.log')).summary.error).toBe('file not found');
    const dir = tempDir();
    writeFileSync(path.join(dir, 'empty.json'), '');
    expect((await readEvents(path.join(dir, 'empty.json'))).summary.error).toBe('the file is empty');
    writeFileSync(path.join(dir, 'notes.txt'), 'just some words\nmore words\n');
    expect((await readEvents(path.join(dir, 'notes.txt'))).summary.error).toMatch(/not a log format/);
  });

  it('gives up on JSON records of no known shape after a while, naming their keys', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'other.ndjson');
    writeFileSync(file, Array.from({ length: 150 }, (_, i) => JSON.stringify({ kind: 'metric', value: i })).join('\n'));
    const { summary } = await readEvents(file);
    expect(summary.error).toMatch(/no known sign-in log shape.*first keys: kind, value/);
    expect(summary.malformed).toBe(99);
  });

  it('skips events before --since and counts them', async () => {
    const { summary, events } = await readEvents(fixture('entra-graph-page.json'), { since: new Date('2024-10-02T09:13:00Z') });
    expect(events).toHaveLength(2);
    expect(summary.skipped).toBe(2);
  });
});
