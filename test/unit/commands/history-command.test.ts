import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { startTerminal } from '../../../src/bot/terminal/adapter';
import { silentLogger } from '../../../src/log';
import { digestRig, textOf, type DigestRig } from '../schedule/digest-rig';
import { finding, host, tplinkHost } from '../store/fixtures';

const router = tplinkHost('10.20.0.1', { gateway: true, openPorts: [80, 7777] });
const laptop = host('10.20.0.20');

let rig: DigestRig;
afterEach(async () => {
  await rig?.close();
});

describe('history', () => {
  beforeEach(async () => {
    rig = await digestRig('2025-06-02T12:00:00Z');
  });

  it('says so when nothing is kept yet', async () => {
    const report = await rig.say('history');
    expect(report.outcome).toBe('ok');
    expect(textOf(report)).toContain('No scans are kept yet. Run /router-audit scan TARGET…; scans are kept for 90 days (HISTORY_DAYS).');
  });

  it('lists recent scans newest first with counts and what changed from the scan before, and a chart', async () => {
    rig.runner.hosts = [router];
    rig.runner.findings = [finding('tplink-family-device', '10.20.0.1', 'low')];
    await rig.say('scan 10.20.0.0/24');
    await rig.clock.advanceTo('2025-06-02T13:00:00Z');
    rig.runner.hosts = [router, laptop];
    rig.runner.findings = [finding('quad7-xlogin-shell', '10.20.0.1', 'critical'), finding('tplink-family-device', '10.20.0.1', 'low')];
    await rig.say('scan 10.20.0.0/24');
    await rig.clock.advanceTo('2025-06-02T14:00:00Z');
    await rig.say('scan 10.30.0.0/24');

    const all = await rig.say('history');
    const table = all.sections.find((s) => s.kind === 'table');
    expect(table?.kind === 'table' && table.rows).toEqual([
      ['2 Jun 16:00', '10.30.0.0/24', '2', '1', '1 critical, 1 low', 'first scan'],
      ['2 Jun 15:00', '10.20.0.0/24', '2', '1', '1 critical, 1 low', '1 new device; findings: 1 opened'],
      ['2 Jun 14:00', '10.20.0.0/24', '1', '1', '1 low', 'first scan'],
    ]);
    expect(all.summary).toBe('The 3 latest scans (times in Europe/Amsterdam)');

    const one = await rig.say('history 10.20.0.0/24');
    expect(one.title).toBe('Scan history of 10.20.0.0/24');
    const rows = one.sections.find((s) => s.kind === 'table');
    expect(rows?.kind === 'table' && rows.rows.map((r) => r[0])).toEqual(['2 Jun 15:00', '2 Jun 14:00']);
    expect(one.sections.find((s) => s.kind === 'image')).toEqual({
      kind: 'image', heading: 'Trend', attachment: 'history-trend.png', alt: 'Chart: hosts, TP-Link family devices and open findings by severity over the last 2 scans',
    });
    expect(one.attachments.map((a) => [a.filename, a.contentType])).toEqual([['history-trend.png', 'image/png']]);
  });

  it('refuses a target outside SCAN_ALLOW like a scan does', async () => {
    const report = await rig.say('history 8.8.8.8');
    expect(report.outcome).toBe('refused');
  });

  it('on the terminal, writes the chart to a file and prints its path', async () => {
    rig.runner.hosts = [router];
    await rig.say('scan 10.20.0.0/24');
    const charts = mkdtempSync(path.join(os.tmpdir(), 'ra-charts-'));
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => { printed += chunk.toString(); });
    const terminal = startTerminal(rig.dispatcher, { input, output, errors: new PassThrough() }, silentLogger(), { attachmentsDir: charts });
    input.end('history\n');
    await terminal.finished;
    const file = path.join(charts, 'history-trend.png');
    expect(printed).toContain(`TREND\n  Chart: hosts, TP-Link family devices and open findings by severity over the last scan (see ${file})`);
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    rmSync(charts, { recursive: true, force: true });
  });
});
