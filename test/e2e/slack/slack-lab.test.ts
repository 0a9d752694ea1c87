/**
 * Real scans through Slack: signed slash commands to the real Bolt receiver, scans run by
 * NamespaceScanRunner in the demo lab's scanner namespace (never on this machine's network), the
 * reports land on the Web API stand-in.
 */
import { DEMO_TOPOLOGY } from '../../../lab/demo';
import { NamespaceScanRunner } from '../../../src/commands/namespace-runner';
import type { ScanRunner } from '../../../src/commands/scan-coordinator';
import { describeLab, withLab } from '../../support/lab';
import type { SlackApiCall } from '../../../lab/chat/slack-api';
import { expectWithinLimits, headerOf, inChannel, textsOf } from './assertions';
import { startBot, type RunningBot } from './bot';

const TARGET = '10.77.0.0/24';
const isReport = (channel: string) => (call: SlackApiCall): boolean => call.method === 'chat.update' && inChannel(channel)(call) && headerOf(call) !== undefined;

/** Counts the scans that really start (joined requests do not). */
function countingRunner(inner: ScanRunner): ScanRunner & { runs: number } {
  const counting = {
    runs: 0,
    run: (...args: Parameters<ScanRunner['run']>) => {
      counting.runs += 1;
      return inner.run(...args);
    },
  };
  return counting;
}

describeLab('Slack scans in the demo lab', () => {
  const handle = withLab(DEMO_TOPOLOGY, __filename);
  let runner: ScanRunner & { runs: number };
  let bot: RunningBot;
  let hurried: RunningBot;

  beforeAll(async () => {
    const namespaceRunner = (timeoutMs: string) =>
      new NamespaceScanRunner({
        namespace: handle.lab.scannerNamespace,
        // The worker checks targets against its own allowlist: the lab's networks only.
        env: { PATH: process.env.PATH, SCAN_ALLOW: '10.77.0.0/16', SCAN_TIMEOUT_MS: timeoutMs },
      });
    runner = countingRunner(namespaceRunner('60000'));
    bot = await startBot({ runner, env: { SCAN_ALLOW: '10.77.0.0/16', SCAN_TIMEOUT_MS: '60000' } });
    // A time limit no scan of a /24 can meet: its report must come back partial.
    hurried = await startBot({ runner: namespaceRunner('1'), env: { SCAN_ALLOW: '10.77.0.0/16', SCAN_TIMEOUT_MS: '1' } });
  }, 60_000);

  afterAll(async () => {
    await bot?.close();
    await hurried?.close();
  }, 60_000);

  beforeEach(async () => {
    await handle.lab.flushScannerNeighbours();
  });

  it('acks, shows progress in one message and replaces it with the report naming the xlogin router critical', async () => {
    const res = await bot.command(`scan ${TARGET}`, { channel_id: 'C0LAB', user_id: 'U0LAB' });
    expect(res.status).toBe(200);
    const progress = await bot.slack.nextCall('chat.postMessage', { where: inChannel('C0LAB') });
    expect(String(progress.args.text)).toContain(`Scanning ${TARGET}`);
    const final = await bot.slack.nextCall('chat.update', { where: isReport('C0LAB'), timeoutMs: 60_000 });
    expectWithinLimits(final);
    expect(final.args.ts).toBe((progress.response as { ts: string }).ts);
    expect(headerOf(final)).toBe(`🔴 Scan of ${TARGET}`);
    const text = textsOf(final).join('\n');
    expect(text).toMatch(/🔴 \*CRITICAL\* · 10\.77\.0\.1 \(/);
    expect(text).toContain('xlogin');
    // Every edit of the one message went in order: progress lines, then the report last.
    const [message] = bot.slack.messages('C0LAB');
    expect(bot.slack.messages('C0LAB')).toHaveLength(1);
    const versions = message?.versions ?? [];
    expect(versions.length).toBeGreaterThanOrEqual(2);
    for (const version of versions.slice(0, -1)) expect(String(version.text)).toMatch(/^⏳ Scanning/);
    // A lab-sized host table fits: no full-data uploads.
    expect(bot.slack.uploads().filter((u) => u.channelId === 'C0LAB')).toEqual([]);
    process.stderr.write(`[slack-lab] ${versions.length - 2} progress edit(s) before the report\n`);
  }, 90_000);

  it('joins a second request for the same target into the running scan; both get the report', async () => {
    const before = runner.runs;
    const [first, second] = await Promise.all([
      bot.command(`scan ${TARGET}`, { channel_id: 'C0JOINA', user_id: 'U0JOINA' }),
      bot.command(`scan ${TARGET}`, { channel_id: 'C0JOINB', user_id: 'U0JOINB' }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const [a, b] = await Promise.all([
      bot.slack.nextCall('chat.update', { where: isReport('C0JOINA'), timeoutMs: 60_000 }),
      bot.slack.nextCall('chat.update', { where: isReport('C0JOINB'), timeoutMs: 60_000 }),
    ]);
    expect(runner.runs - before).toBe(1);
    const texts = [a, b].map((call) => textsOf(call).join('\n'));
    expect(texts.filter((t) => t.includes('already running; this is its report'))).toHaveLength(1);
    for (const text of texts) expect(text).toContain('xlogin');
  }, 90_000);

  it('posts a partial report, marked as such, when the scan runs out of time', async () => {
    await hurried.command(`scan ${TARGET}`, { channel_id: 'C0HURRY', user_id: 'U0HURRY' });
    const final = await hurried.slack.nextCall('chat.update', { where: isReport('C0HURRY'), timeoutMs: 60_000 });
    expectWithinLimits(final);
    expect(headerOf(final)).toMatch(new RegExp(`Partial scan of ${TARGET.replace(/\./g, '\\.')}$`));
    expect(String(final.args.text)).toContain('partial: the scan was cut short');
    expect(textsOf(final).join('\n')).toContain('This scan did not finish');
  }, 90_000);
});
