import path from 'node:path';
import { Dispatcher } from '../../../src/commands/dispatch';
import type { ScanRunner } from '../../../src/commands/scan-coordinator';
import { parseColumns, parseSince } from '../../../src/commands/spray-options';
import type { Caller, Surface } from '../../../src/commands/types';
import { testServices } from '../../support/services';
import { sprayEvents, writeEntraLog } from '../../support/signin-logs';
import { newTempDir } from '../../support/temp-dir';

const NOW = new Date('2026-11-20T12:00:00Z');

describe('spray options', () => {
  it('reads --since as a duration back from now or as a date', () => {
    expect(parseSince('7d', NOW).toISOString()).toBe('2026-11-13T12:00:00.000Z');
    expect(parseSince('36h', NOW).toISOString()).toBe('2026-11-19T00:00:00.000Z');
    expect(parseSince('2026-11-01', NOW).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseSince('last tuesday', NOW)).toThrow(/--since takes a duration back from now/);
    expect(() => parseSince('2027-01-01', NOW)).toThrow(/in the future/);
  });

  it('reads --columns as field=Column pairs and insists on time, account and result', () => {
    expect(parseColumns('time=When, account=User,result=Status,ip=Client')).toEqual({ time: 'When', account: 'User', result: 'Status', ip: 'Client' });
    expect(() => parseColumns('time=When,account=User')).toThrow(/needs at least/);
    expect(() => parseColumns('time=When,user=U,result=R')).toThrow(/field=Column pairs/);
  });
});

/** Dispatches spray commands against real log files; there is no scan in these tests. */
function dispatcherWith(env: NodeJS.ProcessEnv): Dispatcher {
  const noScans: ScanRunner = { run: () => Promise.reject(new Error('no scans in this test')) };
  return new Dispatcher(testServices({ runner: noScans, env, now: () => NOW }));
}

function ask(dispatcher: Dispatcher, surface: Surface, input: string) {
  const caller: Caller = { platform: surface, userId: 'U1', channelId: 'C1' };
  return dispatcher.dispatch({ surface, caller, input });
}

describe('spray command', () => {
  const dir = newTempDir('ra-spray-cmd-');
  const log = writeEntraLog(path.join(dir, 'signins.ndjson'), sprayEvents('203.0.113.50', 12, new Date('2026-11-19T08:00:00Z'), 'user3@contoso.com'));

  it('analyses SPRAY_LOG_PATHS in chat and masks account names there', async () => {
    const report = await ask(dispatcherWith({ SPRAY_LOG_PATHS: log }), 'slack', 'spray');
    expect(report.outcome).toBe('ok');
    expect(report.highestSeverity).toBe('critical');
    const text = JSON.stringify(report);
    expect(text).toContain('203.0.113.50');
    expect(text).toContain('u***3@contoso.com');
    expect(text).not.toContain('user3@contoso.com');
  });

  it('shows account names in chat when SPRAY_SHOW_ACCOUNTS=1, and always on the terminal', async () => {
    expect(JSON.stringify(await ask(dispatcherWith({ SPRAY_LOG_PATHS: log, SPRAY_SHOW_ACCOUNTS: '1' }), 'discord', 'spray'))).toContain('user3@contoso.com');
    expect(JSON.stringify(await ask(dispatcherWith({ SPRAY_LOG_PATHS: log }), 'terminal', 'spray'))).toContain('user3@contoso.com');
  });

  it('gives chat users no way to name a file on the bot\'s machine', async () => {
    const report = await ask(dispatcherWith({ SPRAY_LOG_PATHS: log }), 'slack', 'spray /etc/passwd');
    expect(report.outcome).toBe('usage');
    expect(JSON.stringify(report)).not.toContain('root:');
  });

  it('asks chat users for a file when there are no logs, and names SPRAY_LOG_PATHS on the terminal', async () => {
    const slack = await ask(dispatcherWith({}), 'slack', 'spray --since 7d');
    expect(slack.outcome).toBe('ok');
    expect(slack.ephemeral).toBe(false);
    expect(slack.awaitsFiles).toEqual({ input: 'spray --since "7d"', hint: expect.stringContaining('reply to this message in its thread') });
    expect(slack.awaitsFiles?.hint).toContain('up to 200 MB');
    const discord = await ask(dispatcherWith({ SPRAY_MAX_UPLOAD_MB: '5' }), 'discord', 'spray');
    expect(discord.awaitsFiles?.hint).toContain('with the file option (up to 5 MB)');
    const terminal = await ask(dispatcherWith({}), 'terminal', 'spray');
    expect(terminal.outcome).toBe('usage');
    expect(terminal.summary).toContain('SPRAY_LOG_PATHS');
    expect(terminal.awaitsFiles).toBeUndefined();
  });

  it('analyses files the chat adapter attached, and the report invites another file', async () => {
    const dispatcher = dispatcherWith({});
    const report = await dispatcher.dispatch({
      surface: 'slack', caller: { platform: 'slack', userId: 'U1', channelId: 'C1' }, input: 'spray',
      files: [{ name: 'my-export.ndjson', path: log, size: 1 }],
    });
    expect(report.highestSeverity).toBe('critical');
    // The file is read from where the adapter saved it, and shown under the name the user gave.
    const table = report.sections.find((s) => s.kind === 'table' && s.heading === 'Logs read');
    expect(table?.kind === 'table' && table.rows.map((r) => r[0])).toEqual(['my-export.ndjson']);
    expect(JSON.stringify(report)).not.toContain(log);
    expect(report.awaitsFiles?.input).toBe('spray');
  });

  it('refuses an unknown --format with the formats it knows', async () => {
    const report = await ask(dispatcherWith({}), 'terminal', `spray ${log} --format pdf`);
    expect(report.outcome).toBe('usage');
    expect(report.summary).toContain('unknown log format "pdf"');
  });

  it('leaves out events before --since', async () => {
    const report = await ask(dispatcherWith({}), 'terminal', `spray ${log} --since 2026-11-19T09:00Z`);
    expect(report.highestSeverity).toBeUndefined();
    expect(report.summary).toContain('no sign of password spray');
  });
});
