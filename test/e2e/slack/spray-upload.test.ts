/**
 * The spray log-file reply flow in Slack, end to end on loopback: `/router-audit spray` (no
 * SPRAY_LOG_PATHS) posts a prompt; its requester replies in the prompt's thread with a file (a
 * signed Events API `message` event to the real Bolt receiver, or over Socket Mode); the bot
 * checks the size Slack reports, downloads url_private_download with its Bearer token into a temp
 * directory (size-limited while streaming), runs spray on it and answers in the thread. The limit
 * here is 1 MB (SPRAY_MAX_UPLOAD_MB=1) so the over-the-limit stream stays small.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recentSprayLog } from '../../support/signin-logs';
import { waitUntil } from '../../support/wait';
import { FILE_DOWNLOAD, type SlackApiCall, type SlackFileObject } from '../../../lab/chat/slack-api';
import { checkFileInfo, fileShareEvent } from '../../../lab/chat/slack-events';
import { postSigned } from '../../../lab/chat/slack-signing';
import { startSlackSocketMode, type SlackSocketStandIn } from '../../../lab/chat/slack-socket';
import { expectWithinLimits, headerOf, inChannel, textsOf } from './assertions';
import { APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, startBot, type RunningBot } from './bot';
import { fixedRunner } from './runners';
import { syntheticScan } from '../../unit/bot/slack/synthetic-scan';

const SPRAY_SOURCE = '203.0.113.66';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const MB = 1024 * 1024;

/** The log users send here: a spray against 12 accounts, then user3's password works. */
const sprayLog = (): string => recentSprayLog(SPRAY_SOURCE);

const inThread = (channel: string, threadTs: string) => (call: SlackApiCall): boolean =>
  inChannel(channel)(call) && (call.args.thread_ts === threadTs || (call.method === 'chat.update' && call.args.thread_ts === undefined));

const hasHeader = (text: string) => (call: SlackApiCall): boolean => (headerOf(call) ?? '').includes(text);

const downloadsOf = (bot: RunningBot, file: SlackFileObject): SlackApiCall[] => bot.slack.callsTo(FILE_DOWNLOAD).filter((c) => c.pathId === file.id);

/** Waits (bounded) for a message in the channel that has a header containing `text`, posted or edited. */
function nextReport(bot: RunningBot, channel: string, text: string): Promise<SlackApiCall> {
  return bot.slack.calls.next((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && inChannel(channel)(c) && hasHeader(text)(c), `a message "${text}" in ${channel}`);
}

/** Waits (bounded) until the bot's log has `text`: the file log is written asynchronously. */
function waitForLog(bot: RunningBot, text: string): Promise<void> {
  return waitUntil(async () => (await bot.logText()).includes(text), `the bot's log to say "${text}"`);
}

/**
 * Runs `/router-audit spray` in `channel` as `user`; returns the prompt's ts (the thread). Waits
 * for the bot to join the channel, which it does once it is listening in the thread.
 */
async function prompt(bot: RunningBot, channel: string, user = ALICE): Promise<string> {
  await bot.command('spray', { channel_id: channel, user_id: user });
  const post = await nextReport(bot, channel, 'Send a sign-in log');
  expectWithinLimits(post);
  expect(textsOf(post).join('\n')).toContain('reply to this message in its thread with the file (up to 1 MB)');
  await bot.slack.nextCall('conversations.join', { where: inChannel(channel) });
  return (post.response as { ts: string }).ts;
}

describe('Slack: spray on a log file sent as a thread reply (HTTP receiver)', () => {
  let bot: RunningBot;
  let tempRoot: string;
  let clockOffsetMs = 0;

  beforeAll(async () => {
    tempRoot = mkdtempSync(path.join(os.tmpdir(), 'ra-slack-uploads-'));
    bot = await startBot({
      runner: fixedRunner(syntheticScan(0, 0)),
      env: { SPRAY_MAX_UPLOAD_MB: '1' },
      adapter: { uploadTempDir: tempRoot, now: () => Date.now() + clockOffsetMs },
    });
  });

  afterAll(async () => {
    await bot?.close();
    rmSync(tempRoot, { recursive: true, force: true });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    // Whatever the case did, no downloaded file outlives its answer.
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('answers Slack\'s url_verification on /slack/events (the Events API request URL in HTTP mode)', async () => {
    const body = JSON.stringify({ token: 'legacy', challenge: 'c-8f2e', type: 'url_verification' });
    const res = await postSigned(body, 'application/json', { url: bot.eventsUrl, signingSecret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    expect(res.body).toContain('c-8f2e');
    const forged = await postSigned(body, 'application/json', { url: bot.eventsUrl, signingSecret: SIGNING_SECRET, signWith: 'wrong' });
    expect(forged.status).toBe(401);
  });

  it('asks for a file, downloads the reply with the bot token, and answers in the thread with the finding, accounts masked', async () => {
    const thread = await prompt(bot, 'C0SPRAY');
    // The bot joined the channel (prompt() waited for it) so the reply's message event reaches it.
    expect(bot.slack.callsTo('conversations.join').filter(inChannel('C0SPRAY'))).toHaveLength(1);

    const file = bot.slack.hostFile({ name: 'signins.json', content: sprayLog(), mimetype: 'application/json' });
    const res = await bot.event(fileShareEvent({ channel: 'C0SPRAY', user: ALICE, threadTs: thread, files: [file] }));
    expect(res.status).toBe(200);

    const report = await nextReport(bot, 'C0SPRAY', 'Password-spray check');
    expectWithinLimits(report);
    const text = textsOf(report).join('\n');
    expect(text).toContain('CRITICAL');
    expect(text).toContain(SPRAY_SOURCE);
    expect(text).toContain('u***3@contoso.com');
    expect(text).not.toContain('user3@contoso.com');
    // In the thread: the report replaced the "Downloading…" message posted there.
    const replies = bot.slack.threadMessages('C0SPRAY', thread);
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]?.blocks)).toContain('Password-spray check');
    expect(replies[0]?.versions[0]?.text).toContain('Downloading signins.json');

    const [download] = downloadsOf(bot, file);
    expect(download?.token).toBe(BOT_TOKEN);
    expect(download?.headers.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(download?.response).toBe(`${Buffer.byteLength(sprayLog())} bytes`);
  });

  it('refuses a 2 GB file in the thread from the size Slack reports, without downloading it', async () => {
    const thread = await prompt(bot, 'C0HUGE');
    const file = bot.slack.hostFile({ name: 'all-signins.json', content: 'x', declaredSize: 2 * 1024 ** 3 });
    const dispatch = jest.spyOn(bot.dispatcher, 'dispatch');
    await bot.event(fileShareEvent({ channel: 'C0HUGE', user: ALICE, threadTs: thread, files: [file] }));
    const refusal = await nextReport(bot, 'C0HUGE', 'Log file not read');
    expectWithinLimits(refusal);
    expect(refusal.args.thread_ts).toBe(thread);
    const text = textsOf(refusal).join('\n');
    expect(text).toContain('"all-signins.json" is 2 GB');
    expect(text).toContain('limit of 1 MB');
    expect(text).toContain('SPRAY_MAX_UPLOAD_MB');
    expect(downloadsOf(bot, file)).toEqual([]);
    expect(dispatch).not.toHaveBeenCalled();
  });

  it('ignores a file from anyone but the requester', async () => {
    const thread = await prompt(bot, 'C0OTHERS');
    const bobs = bot.slack.hostFile({ name: 'bob.json', content: sprayLog() });
    await bot.event(fileShareEvent({ channel: 'C0OTHERS', user: BOB, threadTs: thread, files: [bobs] }));
    // Then the requester's own (too big) file: its answer shows the bot got past Bob's reply.
    const alices = bot.slack.hostFile({ name: 'alice.json', content: 'x', declaredSize: 5 * MB });
    await bot.event(fileShareEvent({ channel: 'C0OTHERS', user: ALICE, threadTs: thread, files: [alices] }));
    await nextReport(bot, 'C0OTHERS', 'Log file not read');
    // The bot did see Bob's reply, and let it be.
    await waitForLog(bot, 'file reply from someone other than the requester; ignored');
    expect(downloadsOf(bot, bobs)).toEqual([]);
    expect(bot.slack.threadMessages('C0OTHERS', thread)).toHaveLength(1);
    expect(JSON.stringify(bot.slack.threadMessages('C0OTHERS', thread))).not.toContain('bob.json');
  });

  it('stops a file whose bytes go over the limit although Slack reported it small, and analyses nothing', async () => {
    const thread = await prompt(bot, 'C0LIAR');
    const file = bot.slack.hostFile({ name: 'small.json', content: Buffer.alloc(3 * MB, 0x61), declaredSize: 1000, chunked: true });
    const dispatch = jest.spyOn(bot.dispatcher, 'dispatch');
    await bot.event(fileShareEvent({ channel: 'C0LIAR', user: ALICE, threadTs: thread, files: [file] }));
    const refusal = await nextReport(bot, 'C0LIAR', 'Log file not read');
    expectWithinLimits(refusal);
    expect(textsOf(refusal).join('\n')).toContain('"small.json" turned out larger than this bot\'s limit of 1 MB');
    const [download] = downloadsOf(bot, file);
    expect(download?.token).toBe(BOT_TOKEN);
    expect(dispatch).not.toHaveBeenCalled();
    // The refusal replaced the progress message: one message in the thread, no report.
    expect(bot.slack.threadMessages('C0LIAR', thread)).toHaveLength(1);
  });

  it('reads a second file sent to the same thread after the first answer (the thread stays open)', async () => {
    const thread = await prompt(bot, 'C0AGAIN');
    for (const name of ['monday.json', 'tuesday.json']) {
      const file = bot.slack.hostFile({ name, content: sprayLog() });
      await bot.event(fileShareEvent({ channel: 'C0AGAIN', user: ALICE, threadTs: thread, files: [file] }));
      await nextReport(bot, 'C0AGAIN', 'Password-spray check');
      expect(downloadsOf(bot, file)).toHaveLength(1);
    }
    expect(bot.slack.threadMessages('C0AGAIN', thread)).toHaveLength(2);
  });

  it('reads at most three files of one reply, says which were skipped, and handles a Slack retry once', async () => {
    const thread = await prompt(bot, 'C0MANY');
    const files = [1, 2, 3, 4].map((n) => bot.slack.hostFile({ name: `part${n}.json`, content: sprayLog() }));
    const event = fileShareEvent({ channel: 'C0MANY', user: ALICE, threadTs: thread, files });
    await bot.event(event);
    await bot.event(event); // Slack's retry of the same delivery
    const note = await nextReport(bot, 'C0MANY', 'Log file not read');
    expect(textsOf(note).join('\n')).toContain('not read: "part4.json"');
    const report = await nextReport(bot, 'C0MANY', 'Password-spray check');
    expect(textsOf(report).join('\n')).toMatch(/from 3 log files/);
    expect(files.map((f) => downloadsOf(bot, f).length)).toEqual([1, 1, 1, 0]);
  });

  it('tells a reply after the 15-minute window that the request closed, and reads nothing', async () => {
    const thread = await prompt(bot, 'C0LATE');
    clockOffsetMs = 16 * 60_000;
    try {
      const file = bot.slack.hostFile({ name: 'late.json', content: sprayLog() });
      await bot.event(fileShareEvent({ channel: 'C0LATE', user: ALICE, threadTs: thread, files: [file] }));
      const hint = await bot.slack.nextCall('chat.postMessage', { where: (c) => inChannel('C0LATE')(c) && c.args.thread_ts === thread });
      expect(String(hint.args.text)).toContain('closed after 15 minutes');
      expect(downloadsOf(bot, file)).toEqual([]);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('does not wait for files after other reports, or in threads it did not open', async () => {
    await bot.command('advice', { channel_id: 'C0ADVICE', user_id: ALICE });
    const advice = await nextReport(bot, 'C0ADVICE', 'Hardening advice');
    const file = bot.slack.hostFile({ name: 'stray.json', content: sprayLog() });
    const dispatch = jest.spyOn(bot.dispatcher, 'dispatch');
    await bot.event(fileShareEvent({ channel: 'C0ADVICE', user: ALICE, threadTs: (advice.response as { ts: string }).ts, files: [file] }));
    await bot.event(fileShareEvent({ channel: 'C0ADVICE', user: ALICE, files: [file] }));
    // A later command's answer shows both events were handled before it.
    await bot.command('help', { channel_id: 'C0ADVICE', user_id: ALICE });
    await nextReport(bot, 'C0ADVICE', 'router-audit');
    expect(downloadsOf(bot, file)).toEqual([]);
    expect(dispatch.mock.calls.map(([request]) => request.input)).toEqual(['help']);
  });
});

describe('Slack: spray file reply over Socket Mode', () => {
  let socket: SlackSocketStandIn;
  let bot: RunningBot;
  let tempRoot: string;

  beforeAll(async () => {
    tempRoot = mkdtempSync(path.join(os.tmpdir(), 'ra-slack-socket-uploads-'));
    socket = await startSlackSocketMode();
    bot = await startBot({ runner: fixedRunner(syntheticScan(0, 0)), socket, adapter: { uploadTempDir: tempRoot } });
  });

  afterAll(async () => {
    await bot?.close();
    await socket?.close();
    rmSync(tempRoot, { recursive: true, force: true });
  });

  it('takes the reply as an events_api envelope, looks the file up with files.info, and answers in the thread', async () => {
    expect((await bot.slack.nextCall('apps.connections.open')).token).toBe(APP_TOKEN);
    await socket.waitForConnection();
    socket.pushSlashCommand({ text: 'spray', channel_id: 'C0SOCK', user_id: ALICE, response_url: bot.slack.responseUrl() });
    const promptPost = await nextReport(bot, 'C0SOCK', 'Send a sign-in log');
    expect(textsOf(promptPost).join('\n')).toContain('(up to 200 MB)');
    await bot.slack.nextCall('conversations.join', { where: inChannel('C0SOCK') });
    const thread = (promptPost.response as { ts: string }).ts;

    const file = bot.slack.hostFile({ name: 'signins.ndjson', content: sprayLog() });
    const pushed = socket.pushEvent(fileShareEvent({ channel: 'C0SOCK', user: ALICE, threadTs: thread, files: [checkFileInfo(file)] }));
    expect((await pushed.ack()).payload).toEqual({});

    const report = await nextReport(bot, 'C0SOCK', 'Password-spray check');
    expectWithinLimits(report);
    expect(textsOf(report).join('\n')).toContain('CRITICAL');
    expect(bot.slack.callsTo('files.info').map((c) => c.args.file)).toEqual([file.id]);
    expect(downloadsOf(bot, file).map((c) => c.token)).toEqual([BOT_TOKEN]);
    expect(bot.slack.threadMessages('C0SOCK', thread)).toHaveLength(1);
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});
