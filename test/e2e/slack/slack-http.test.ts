/**
 * The Slack adapter end to end over HTTP: the real Bolt receiver gets signed slash commands on
 * 127.0.0.1, the Web API and response_url are the recording stand-in. Scans here use runners that
 * touch no network (the chat side is under test); real scans are in slack-lab.test.ts.
 */
import { ChannelGoneError } from '../../../src/bot/types';
import { CHAT_BUDGET } from '../../../src/bot/slack/limits';
import { scanReport } from '../../../src/commands/scan-report';
import type { ScanRunner } from '../../../src/commands/scan-coordinator';
import { RESPONSE_URL } from '../../../lab/chat/slack-api';
import { postSlashCommand } from '../../../lab/chat/slack-signing';
import { syntheticScan } from '../../unit/bot/slack/synthetic-scan';
import { atResponseUrl, expectWithinLimits, headerOf, inChannel, textsOf } from './assertions';
import { BOT_TOKEN, SIGNING_SECRET, startBot, type RunningBot } from './bot';
import { fixedRunner, gatedRunner } from './runners';

describe('Slack over HTTP', () => {
  let bot: RunningBot;
  // Each test picks the runner its scans use.
  let runner: ScanRunner = fixedRunner(syntheticScan(3, 1));

  beforeAll(async () => {
    bot = await startBot({
      runner: { run: (job, hooks) => runner.run(job, hooks) },
      env: { SCAN_RATE_LIMIT: '2' },
    });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('acks /router-audit help with an empty 200 and posts the generated help in the channel', async () => {
    const res = await bot.command('help', { channel_id: 'C0HELP', id: 'help' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const post = await bot.slack.nextCall('chat.postMessage', { where: inChannel('C0HELP') });
    expect(post.token).toBe(BOT_TOKEN);
    expectWithinLimits(post);
    expect(headerOf(post)).toBe('router-audit');
    expect(textsOf(post).some((t) => t.startsWith('*/router-audit scan'))).toBe(true);
    expect(post.args.unfurl_links).toBe('false');
    expect(bot.slack.callsTo(RESPONSE_URL).filter(atResponseUrl('help'))).toEqual([]);
  });

  it('posts /router-audit advice with Slack links to the sources', async () => {
    await bot.command('advice', { channel_id: 'C0ADVICE' });
    const post = await bot.slack.nextCall('chat.postMessage', { where: inChannel('C0ADVICE') });
    expectWithinLimits(post);
    expect(headerOf(post)).toBe('Hardening advice');
    const links = textsOf(post).join('\n').match(/<https:\/\/[^|>]+\|[^>]+>/g) ?? [];
    expect(links.length).toBe(bot.services.content.advice.length);
  });

  it('acks a scan before the scan runs, edits one progress message, then replaces it with the report', async () => {
    const gated = gatedRunner();
    runner = gated;
    const res = await bot.command('scan 10.20.0.0/24', { channel_id: 'C0SCAN', user_id: 'U0SCAN' }).finally(() => {
      // Only reached when the ack did not wait for the scan; keeps a broken bot from hanging here.
      if (gated.jobs.length === 0) gated.release(syntheticScan(0, 0));
    });
    // The HTTP answer (the ack) is complete while the scan has not finished: it cannot have waited for it.
    expect(res.status).toBe(200);
    expect(bot.slack.calls.all((c) => inChannel('C0SCAN')(c) && headerOf(c) !== undefined)).toEqual([]);
    await gated.started;
    const progress = await bot.slack.nextCall('chat.postMessage', { where: inChannel('C0SCAN') });
    expectWithinLimits(progress);
    expect(progress.args.text).toContain('Scanning 10.20.0.0/24');
    const ts = (progress.response as { ts: string }).ts;

    gated.tick(3);
    const edit = await bot.slack.nextCall('chat.update', { where: inChannel('C0SCAN') });
    expect(edit.args.ts).toBe(ts);
    expect(edit.args.text).toContain('3 hosts found');

    gated.release(syntheticScan(4, 2));
    const final = await bot.slack.nextCall('chat.update', { where: (c) => inChannel('C0SCAN')(c) && headerOf(c) !== undefined });
    expectWithinLimits(final);
    expect(final.args.ts).toBe(ts);
    expect(headerOf(final)).toBe('🔴 Scan of 10.20.0.0/24');
    expect(textsOf(final).join('\n')).toContain('🔴 *CRITICAL*');
    // One message in the channel, edited in place: no flood.
    expect(bot.slack.messages('C0SCAN')).toHaveLength(1);
    expect(gated.jobs).toHaveLength(1);
  });

  it('refuses a public target privately and scans nothing', async () => {
    const recording = fixedRunner(syntheticScan(1, 0));
    runner = recording;
    await bot.command('scan 8.8.8.0/24', { channel_id: 'C0PUB', id: 'public' });
    const reply = await bot.slack.nextCall(RESPONSE_URL, { where: atResponseUrl('public') });
    expect(reply.args.response_type).toBe('ephemeral');
    expect(headerOf(reply)).toContain('Target refused');
    expect(textsOf(reply).join('\n')).toContain('Refused 8.8.8.0/24');
    expect(recording.jobs).toEqual([]);
    expect(bot.slack.callsTo('chat.postMessage').filter(inChannel('C0PUB'))).toEqual([]);
  });

  it('answers a usage error privately with the usage line and scans nothing', async () => {
    const recording = fixedRunner(syntheticScan(1, 0));
    runner = recording;
    await bot.command('scan 10.0.0/24', { channel_id: 'C0USAGE', id: 'usage' });
    const reply = await bot.slack.nextCall(RESPONSE_URL, { where: atResponseUrl('usage') });
    expect(reply.args.response_type).toBe('ephemeral');
    expectWithinLimits(reply);
    expect(textsOf(reply).join('\n')).toContain('Usage: /router-audit scan');
    expect(recording.jobs).toEqual([]);
  });

  it.each([
    ['signed with the wrong secret', { signWith: 'not-the-signing-secret' }],
    ['signed 10 minutes ago', { ageSec: 600 }],
    ['not signed at all', { unsigned: true }],
  ])('rejects a request %s with 401 and dispatches nothing', async (_what, forgery) => {
    const dispatch = jest.spyOn(bot.dispatcher, 'dispatch');
    const before = bot.slack.calls.count();
    try {
      const res = await postSlashCommand({
        url: bot.eventsUrl,
        signingSecret: SIGNING_SECRET,
        ...forgery,
        fields: { text: 'scan 10.20.0.0/24', response_url: bot.slack.responseUrl('forged') },
      });
      expect(res.status).toBe(401);
      // Bolt decides before it dispatches: had it accepted the request, the listener would have run by now.
      expect(dispatch).not.toHaveBeenCalled();
      expect(bot.slack.calls.count()).toBe(before);
    } finally {
      dispatch.mockRestore();
    }
  });

  it('splits a huge report within the limits and uploads hosts.csv and scan.json', async () => {
    const big = syntheticScan(600, 80);
    runner = fixedRunner(big);
    await bot.command('scan 10.77.0.0/22', { channel_id: 'C0HUGE', user_id: 'U0HUGE' });
    await bot.slack.nextCall('files.completeUploadExternal', { where: (c) => c.args.channel_id === 'C0HUGE' });
    const messages = bot.slack.messages('C0HUGE');
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(CHAT_BUDGET.messagesPerReport);
    for (const call of bot.slack.calls.all((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && inChannel('C0HUGE')(c))) {
      expect(call.status).toBe(200);
      expectWithinLimits(call);
    }
    const text = messages.map((m) => JSON.stringify(m.blocks)).join('\n');
    expect(text).toContain(`Showing the first ${CHAT_BUDGET.tableRows} of 600 rows`);
    const uploads = bot.slack.uploads().filter((u) => u.channelId === 'C0HUGE');
    expect(uploads.map((u) => u.filename).sort()).toEqual(['hosts.csv', 'scan.json']);
    expect(uploads.every((u) => u.completed)).toBe(true);
    const csv = uploads.find((u) => u.filename === 'hosts.csv')?.bytes?.toString('utf8') ?? '';
    expect(csv.trim().split('\r\n')).toHaveLength(601);
    const json = JSON.parse(uploads.find((u) => u.filename === 'scan.json')?.bytes?.toString('utf8') ?? '{}') as { hosts: unknown[]; findings: unknown[] };
    expect(json.hosts).toHaveLength(600);
    expect(json.findings).toHaveLength(80);
  });

  it('answers through the response_url in the channel when the bot may not post there, and keeps serving', async () => {
    bot.slack.failWith('chat.postMessage', 'not_in_channel', { times: Infinity, when: inChannel('C0PRIVATE') });
    await bot.command('help', { channel_id: 'C0PRIVATE', id: 'private' });
    const reply = await bot.slack.nextCall(RESPONSE_URL, { where: atResponseUrl('private') });
    expect(reply.status).toBe(200);
    expect(reply.args.response_type).toBe('in_channel');
    expectWithinLimits(reply);
    expect(headerOf(reply)).toBe('router-audit');
    // Still alive and well for the next command.
    await bot.command('help', { channel_id: 'C0AFTER' });
    expectWithinLimits(await bot.slack.nextCall('chat.postMessage', { where: inChannel('C0AFTER') }));
  });

  it('falls back to the response_url for a scan in a channel that is not found, and says why the files are missing', async () => {
    runner = fixedRunner(syntheticScan(100, 3));
    bot.slack.failWith('chat.postMessage', 'channel_not_found', { times: Infinity, when: inChannel('C0GONE') });
    await bot.command('scan 10.77.0.0/24', { channel_id: 'C0GONE', user_id: 'U0GONE', id: 'gone' });
    // First the progress line, privately, with the reason; then the report in the channel.
    const note = await bot.slack.nextCall(RESPONSE_URL, { where: atResponseUrl('gone') });
    expect(note.args.response_type).toBe('ephemeral');
    expect(String(note.args.text)).toContain('not a member of this channel');
    const report = await bot.slack.nextCall(RESPONSE_URL, { where: atResponseUrl('gone') });
    expect(report.args.response_type).toBe('in_channel');
    expectWithinLimits(report);
    expect(headerOf(report)).toContain('Scan of 10.77.0.0/24');
    expect(textsOf(report).join('\n')).toContain('I could not attach hosts.csv, scan.json here because I am not a member');
    expect(bot.slack.uploads().filter((u) => u.channelId === 'C0GONE')).toEqual([]);
  });

  it('waits out a 429 from chat.postMessage and delivers once', async () => {
    bot.slack.rateLimit('chat.postMessage', 1, { when: inChannel('C0BUSY') });
    await bot.command('help', { channel_id: 'C0BUSY' });
    await bot.slack.calls.atLeast(2, (c) => c.method === 'chat.postMessage' && inChannel('C0BUSY')(c), 'retried post', { timeoutMs: 10_000 });
    expect(bot.slack.callsTo('chat.postMessage').filter(inChannel('C0BUSY')).map((c) => c.status)).toEqual([429, 200]);
    expect(bot.slack.messages('C0BUSY')).toHaveLength(1);
  });

  it('refuses a scan over the per-user rate limit privately, without a progress message in the channel', async () => {
    runner = fixedRunner(syntheticScan(2, 0));
    for (const n of [1, 2]) {
      await bot.command(`scan 10.30.${n}.0/24`, { channel_id: 'C0RATE', user_id: 'U0RATE' });
      await bot.slack.nextCall('chat.update', { where: (c) => inChannel('C0RATE')(c) && headerOf(c) !== undefined });
    }
    const postsBefore = bot.slack.callsTo('chat.postMessage').filter(inChannel('C0RATE')).length;
    await bot.command('scan 10.30.3.0/24', { channel_id: 'C0RATE', user_id: 'U0RATE', id: 'rate' });
    const reply = await bot.slack.nextCall(RESPONSE_URL, { where: atResponseUrl('rate') });
    expect(reply.args.response_type).toBe('ephemeral');
    expect(headerOf(reply)).toContain('Slow down');
    expect(textsOf(reply).join('\n')).toContain('SCAN_RATE_LIMIT');
    // The refusal comes before any "Scanning…" line: nothing flashed up in the channel.
    expect(bot.slack.callsTo('chat.postMessage').filter(inChannel('C0RATE'))).toHaveLength(postsBefore);
  });

  it('joins a second request for a target being scanned instead of scanning twice', async () => {
    const gated = gatedRunner();
    runner = gated;
    await bot.command('scan 10.40.0.0/24', { channel_id: 'C0JOIN', user_id: 'U0JOIN1' });
    await gated.started;
    await bot.command('scan 10.40.0.0/24', { channel_id: 'C0JOIN', user_id: 'U0JOIN2' });
    await bot.slack.calls.atLeast(2, (c) => c.method === 'chat.postMessage' && inChannel('C0JOIN')(c), 'two progress messages');
    gated.release(syntheticScan(3, 1));
    const finals = await bot.slack.calls.atLeast(2, (c) => c.method === 'chat.update' && inChannel('C0JOIN')(c) && headerOf(c) !== undefined, 'two reports');
    expect(gated.jobs).toHaveLength(1);
    const texts = finals.map((c) => textsOf(c).join('\n'));
    expect(texts.filter((t) => t.includes('already running; this is its report'))).toHaveLength(1);
  });

  it('posts a report nobody asked for (digests) and maps a vanished channel to ChannelGoneError', async () => {
    await bot.adapter.post('C0DIGEST', scanReport(syntheticScan(3, 1)));
    const [digest] = bot.slack.messages('C0DIGEST');
    expect(JSON.stringify(digest?.blocks)).toContain('Scan of 10.77.0.0/22');

    await bot.adapter.post('C0DIGESTBIG', scanReport(syntheticScan(600, 10)));
    expect(bot.slack.uploads().filter((u) => u.channelId === 'C0DIGESTBIG').map((u) => u.filename).sort()).toEqual(['hosts.csv', 'scan.json']);

    bot.slack.removeChannel('C0DELETED');
    await expect(bot.adapter.post('C0DELETED', scanReport(syntheticScan(1, 0)))).rejects.toBeInstanceOf(ChannelGoneError);
    bot.slack.failWith('chat.postMessage', 'is_archived', { when: inChannel('C0ARCHIVED') });
    await expect(bot.adapter.post('C0ARCHIVED', scanReport(syntheticScan(1, 0)))).rejects.toBeInstanceOf(ChannelGoneError);
    // Other errors are not mistaken for a gone channel.
    bot.slack.failWith('chat.postMessage', 'msg_too_long', { when: inChannel('C0OTHER') });
    await expect(bot.adapter.post('C0OTHER', scanReport(syntheticScan(1, 0)))).rejects.not.toBeInstanceOf(ChannelGoneError);
  });

  it('warned at startup that everyone may scan, and never logged a secret', async () => {
    const log = await bot.logText();
    expect(log).toContain('SLACK_ALLOWED_USERS and SLACK_ALLOWED_CHANNELS are not set, so everyone who can reach the bot may run scans');
    expect(log).toContain('signature mismatch');
    expect(log).not.toContain(SIGNING_SECRET);
    expect(log).not.toContain(BOT_TOKEN);
  });
});
