import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Report } from '../../../src/commands/report';
import { digestRig, SLACK_CALLER, textOf, type DigestRig } from '../schedule/digest-rig';
import { finding, host, tplinkHost } from '../store/fixtures';

const router = tplinkHost('10.20.0.1', { gateway: true, openPorts: [80, 7777], model: 'TL-WR841N' });
const laptop = host('10.20.0.20', { openPorts: [22] });
const xlogin = finding('quad7-xlogin-shell', '10.20.0.1', 'critical', 'Quad7 "xlogin" backdoor shell answers on TCP 7777');
const family = finding('tplink-family-device', '10.20.0.1', 'low', 'TP-Link family device');

let rig: DigestRig;
afterEach(async () => {
  await rig?.close();
});

function text(report: Report): string {
  return textOf(report);
}

describe('digest: creating, listing, turning off', () => {
  beforeEach(async () => {
    rig = await digestRig('2025-06-02T12:00:00Z'); // a Monday; TZ=Europe/Amsterdam
  });

  it('creates a daily digest for this channel in the default zone and says when it runs next', async () => {
    const report = await rig.say('digest daily 08:00 10.20.0.0/24');
    expect(report.outcome).toBe('ok');
    expect(report.ephemeral).toBe(false);
    expect(report.title).toBe('Digest #1 created');
    expect(text(report)).toContain('Digest #1: daily 08:00 (Europe/Amsterdam) for 10.20.0.0/24, posted here.');
    expect(text(report)).toContain('Next: Tue 3 Jun 2025, 08:00 CEST.');
    expect(rig.runtime.store?.digest(1)).toMatchObject({
      platform: 'slack', channelId: 'C1', targets: ['10.20.0.0/24'], timeZone: 'Europe/Amsterdam', createdBy: 'slack:U1',
      schedule: { kind: 'daily', expression: '0 8 * * *' }, enabled: true,
    });
  });

  it('takes weekly and cron forms, --tz, and a cron expression typed without quotes', async () => {
    expect(text(await rig.say('digest weekly fri 17:30 10.20.0.0/24 10.21.0.0/24 --tz America/New_York')))
      .toContain('weekly fri 17:30 (America/New_York) for 10.20.0.0/24, 10.21.0.0/24');
    expect(text(await rig.say('digest cron "0 8 * * 1-5" 10.20.0.0/24'))).toContain('cron 0 8 * * 1-5 (Europe/Amsterdam)');
    const unquoted = await rig.say('digest cron 30 6 * * 1-5 10.20.0.5 --tz UTC');
    expect(text(unquoted)).toContain('Digest #3: cron 30 6 * * 1-5 (UTC) for 10.20.0.5, posted here.');
    expect(text(unquoted)).toContain('Next: Tue 3 Jun 2025, 06:30 UTC.');
  });

  it.each([
    ['digest cron "every morning" 10.20.0.0/24', 'usage', /"every morning" has 2 fields; a cron expression has 5/],
    ['digest cron "0 25 * * *" 10.20.0.0/24', 'usage', /is not a cron expression \(Invalid value for hour: 25\)/],
    ['digest daily 08:00 10.20.0.0/24 --tz Mars/Olympus_Mons', 'usage', /"Mars\/Olympus_Mons" is not a time zone/],
    ['digest daily 8am 10.20.0.0/24', 'usage', /"8am" is not a time of day/],
    ['digest weekly someday 08:00 10.20.0.0/24', 'usage', /"someday" is not a day of the week/],
    ['digest daily 08:00', 'usage', /Say what the digest scans/],
    ['digest daily 08:00 8.8.8.0/24', 'refused', /Refused 8\.8\.8\.0\/24: it is outside the networks this bot may scan/],
    ['digest hourly 10.20.0.0/24', 'usage', /"hourly" is not a digest action/],
  ])('answers %s with a clear message and stores nothing', async (input, outcome, message) => {
    const report = await rig.say(input);
    expect(report.outcome).toBe(outcome);
    expect(text(report)).toMatch(message);
    expect(rig.runtime.store?.listDigests()).toEqual([]);
  });

  it('lists the digests of this channel only', async () => {
    await rig.say('digest daily 08:00 10.20.0.0/24');
    await rig.say('digest weekly mon 09:00 10.21.0.0/24', { ...SLACK_CALLER, channelId: 'C2' });
    const list = await rig.say('digest list');
    const table = list.sections.find((s) => s.kind === 'table');
    expect(table?.kind === 'table' && table.rows).toEqual([['1', 'daily 08:00', 'Europe/Amsterdam', '10.20.0.0/24', 'Tue 3 Jun 2025, 08:00 CEST', '-']]);
    const elsewhere = await rig.say('digest list', { platform: 'discord', userId: 'D1', channelId: 'C1' });
    expect(elsewhere.title).toBe('No digests here');
  });

  it('turns a digest off only from its own channel, and then never posts it', async () => {
    await rig.say('digest daily 08:00 10.20.0.0/24');
    const fromElsewhere = await rig.say('digest off 1', { ...SLACK_CALLER, channelId: 'C9' });
    expect(fromElsewhere.outcome).toBe('usage');
    expect(text(fromElsewhere)).toContain('There is no digest #1 in this channel.');
    expect(text(await rig.say('digest off 42'))).toContain('There is no digest #42 in this channel.');
    expect(text(await rig.say('digest off x'))).toContain('"x" is not a digest id');
    const off = await rig.say('digest off #1');
    expect(off.title).toBe('Digest #1 is off');
    expect(rig.runtime.store?.digest(1)).toMatchObject({ enabled: false, disabledReason: 'turned off by slack:U1' });
    await rig.clock.advanceTo('2025-06-04T12:00:00Z');
    expect(rig.posts).toEqual([]);
    expect(rig.runner.jobs).toEqual([]);
  });

  it('is not offered on the one-shot command line', async () => {
    const report = await rig.dispatcher.dispatch({ surface: 'cli', caller: { platform: 'cli', userId: 'op' }, input: ['digest', 'list'] });
    expect(report.outcome).toBe('usage');
    expect(text(report)).toContain('Unknown command "digest"');
  });
});

describe('digest: what gets posted', () => {
  beforeEach(async () => {
    rig = await digestRig('2025-06-02T12:00:00Z', { SCAN_RATE_LIMIT: '1' });
  });

  it('posts a first digest, then what changed, then one line when nothing did — to the channel it was made in', async () => {
    rig.runner.hosts = [router, laptop];
    rig.runner.findings = [xlogin, family];
    await rig.say('digest daily 08:00 10.20.0.0/24');

    await rig.clock.advanceTo('2025-06-03T06:00:00Z');
    expect(rig.posts.map((p) => [p.platform, p.channel, p.report.title])).toEqual([['slack', 'C1', 'Digest #1: 10.20.0.0/24']]);
    expect(rig.posts[0]?.report.summary).toBe('First digest: 10.20.0.0/24: 2 hosts, 1 TP-Link family device; findings: 1 critical, 1 low in 10 ms');

    // The network changes: a TP-Link camera appears, the laptop goes, the router opens the relay port.
    const camera = tplinkHost('10.20.0.12', { vendor: 'TP-Link Systems Inc', model: 'Tapo C200' });
    rig.runner.hosts = [{ ...router, openPorts: [80, 7777, 11288] }, camera];
    rig.runner.findings = [xlogin, family, finding('quad7-socks-relay-tplink', '10.20.0.1', 'high', 'TCP 11288 is open on a TP-Link device')];
    await rig.clock.advanceTo('2025-06-04T06:00:00Z');
    const changed = rig.posts[1]?.report;
    expect(changed?.summary).toBe('10.20.0.0/24: 1 new device (1 TP-Link), 1 gone, 1 changed; findings: 1 opened since Tue 3 Jun 2025, 08:00 CEST');
    expect(changed?.tone).toBe('high');
    expect(changed?.sections.map((s) => s.heading ?? s.kind)).toEqual(['text', 'New TP-Link family devices', 'New devices', 'Devices gone', 'Devices that changed', 'New findings', 'Now']);
    expect(text(changed!)).toContain('10.20.0.12 (TP-Link Systems Inc, Tapo C200)');
    expect(text(changed!)).toContain('10.20.0.1 | TP-LINK TECHNOLOGIES CO.,LTD. | ports opened 11288');
    expect(text(changed!)).toContain('high 10.20.0.1 (TP-LINK TECHNOLOGIES CO.,LTD., TL-WR841N) TCP 11288 is open on a TP-Link device');

    await rig.clock.advanceTo('2025-06-05T06:00:00Z');
    const quiet = rig.posts[2]?.report;
    expect(quiet?.summary).toBe('No change since Wed 4 Jun 2025, 08:00 CEST.');
    expect(quiet?.sections).toEqual([{ kind: 'text', text: 'No change since Wed 4 Jun 2025, 08:00 CEST.' }]);
    expect(quiet?.tone).toBe('ok');

    // Digests are not held to the user's rate limit (SCAN_RATE_LIMIT=1): three ran; the user's own scan still counts.
    expect(rig.runner.jobs).toHaveLength(3);
    expect((await rig.say('scan 10.20.0.0/24')).outcome).toBe('ok');
    expect((await rig.say('scan 10.20.0.0/24')).title).toBe('Slow down');
  });

  it('attaches a trend chart to weekly digests', async () => {
    rig.runner.hosts = [router, laptop];
    rig.runner.findings = [xlogin];
    await rig.say('scan 10.20.0.0/24');
    await rig.say('digest weekly tue 08:00 10.20.0.0/24');
    await rig.clock.advanceTo('2025-06-03T06:00:00Z');
    const report = rig.posts[0]?.report;
    const image = report?.sections.find((s) => s.kind === 'image');
    expect(image).toEqual({ kind: 'image', heading: 'Trend', attachment: 'digest-1-trend.png', alt: 'Chart: hosts, TP-Link family devices and open findings by severity over the last 2 scans' });
    const png = report?.attachments.find((a) => a.filename === 'digest-1-trend.png');
    expect(png?.contentType).toBe('image/png');
    expect(Buffer.isBuffer(png?.data) && (png.data as Buffer).subarray(1, 4).toString()).toBe('PNG');
  });

  it('posts a digest that cannot scan as a short failure for its channel', async () => {
    await rig.say('digest daily 08:00 10.20.0.0/24');
    rig.runner.run = async () => { throw new Error('worker crashed'); };
    await rig.clock.advanceTo('2025-06-03T06:00:00Z');
    const report = rig.posts[0]?.report;
    expect(report?.title).toBe('Digest #1 could not run');
    expect(report?.outcome).toBe('error');
    expect(text(report!)).toMatch(/The scan of 10\.20\.0\.0\/24 failed\. The details are in the bot's log under reference [0-9A-F]{8}\./);
    expect(rig.runtime.store?.runs(1, 1)[0]).toMatchObject({ status: 'failed', error: 'worker crashed' });
  });

  it('runs a digest now and answers with it; with no id, the one digest of this channel', async () => {
    rig.runner.hosts = [router];
    await rig.say('digest daily 08:00 10.20.0.0/24');
    const now = await rig.say('digest now');
    expect(now.title).toBe('Digest #1: 10.20.0.0/24');
    expect(rig.posts).toEqual([]);
    rig.runner.hosts = [router, laptop];
    const again = await rig.say('digest now 1');
    expect(again.summary).toMatch(/^10\.20\.0\.0\/24: 1 new device since Mon 2 Jun 2025, 14:00 CEST$/);
    expect(rig.runtime.store?.runs(1, 5).map((r) => [r.kind, r.status])).toEqual([['manual', 'posted'], ['manual', 'posted']]);

    await rig.say('digest daily 09:00 10.21.0.0/24');
    const which = await rig.say('digest now');
    expect(which.title).toBe('Which digest?');
    expect(text(which)).toContain('This channel has 2 digests (#1, #2): say which.');
    expect(text(await rig.say('digest now 7'))).toContain('There is no digest #7 in this channel.');
  });
});

describe('digest and history without a usable DATA_DIR', () => {
  it('answers with the reason naming DATA_DIR, and scans still work', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ra-bad-'));
    const file = path.join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    rig = await digestRig('2025-06-02T12:00:00Z', { DATA_DIR: file });
    for (const input of ['digest daily 08:00 10.20.0.0/24', 'digest list', 'history']) {
      const report = await rig.say(input);
      expect(report.title).toBe('History and digests are off');
      expect(text(report)).toContain(`DATA_DIR (${file}) is not a directory`);
    }
    rig.runner.hosts = [router];
    expect((await rig.say('scan 10.20.0.0/24')).outcome).toBe('ok');
    rmSync(dir, { recursive: true, force: true });
  });
});
