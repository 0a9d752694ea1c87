import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createApp, type App } from '../../../src/app';
import { createDiscordAdapter, type DiscordAdapter } from '../../../src/bot/discord/adapter';
import { createSlackAdapter, SLACK_EVENTS_PATH, type SlackAdapter } from '../../../src/bot/slack/adapter';
import { describeLab, withLab } from '../../support/lab';
import { embedText } from '../discord/bot';
import { expectWithinLimits } from '../slack/assertions';
import { opt, startDiscord, type DiscordStandIn } from '../../../lab/chat/discord';
import type { DiscordRestCall } from '../../../lab/chat/discord-rest';
import { startSlackApi, type SlackApiCall, type SlackApiStandIn } from '../../../lab/chat/slack-api';
import { postSlashCommand } from '../../../lab/chat/slack-signing';
import { slashCommand } from '../../../lab/chat/slack-slash-command';
import { digestLab } from './topology';

/**
 * Digests through the chat front ends: a digest created by slash command in Slack, and one created
 * by an interaction in Discord, are posted by the scheduler to the channel they were made in —
 * through the real Bolt receiver and discord.js client against the loopback stand-ins, with the
 * app wired as `npm start` wires it (history store, coordinator, scheduler given the adapters).
 * The scans run in a lab namespace (SCAN_NETNS).
 */

const TOPOLOGY = digestLab(94);
const TARGET = '10.94.0.0/27';
const SIGNING_SECRET = 'digest-e2e-signing-secret-8c1f';
const BOT_TOKEN = 'xoxb-digest-e2e-bot-token';
const SLACK_CHANNEL = 'C0DIGESTS';
const SLACK_OTHER = 'C0OTHER';
const GUILD = '400000000000000094';
const DISCORD_CHANNEL = '500000000000000094';
const DISCORD_OTHER = '500000000000000095';

const slackText = (call: SlackApiCall): string => JSON.stringify(call.args.blocks ?? '') + String(call.args.text ?? '');

describeLab('digests in Slack and Discord', () => {
  const handle = withLab(TOPOLOGY, __filename);
  let slack: SlackApiStandIn;
  let discord: DiscordStandIn;
  let app: App;
  let slackAdapter: SlackAdapter;
  let discordAdapter: DiscordAdapter;
  let eventsUrl = '';
  let dataDir = '';

  beforeAll(async () => {
    slack = await startSlackApi({ tokens: [BOT_TOKEN] });
    discord = await startDiscord({ guilds: [{ id: GUILD, name: 'Lab', channels: [{ id: DISCORD_CHANNEL, name: 'digests' }, { id: DISCORD_OTHER, name: 'other' }] }] });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'ra-e2e-chat-digest-'));
    const log = pino({ level: 'info' }, new Writable({ write: (_chunk, _encoding, done) => done() }));
    app = createApp({
      env: {
        SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
        DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl,
        DATA_DIR: dataDir, SCAN_NETNS: handle.lab.scannerNamespace, SCAN_ALLOW: '10.94.0.0/24', TZ: 'UTC',
      },
      history: true,
      log,
    });
    if (!app.config.slack || !app.config.discord) throw new Error('both platforms should be configured');
    slackAdapter = createSlackAdapter({ dispatcher: app.dispatcher, config: { ...app.config.slack, port: 0 }, log, host: '127.0.0.1', progressIntervalMs: 200 });
    discordAdapter = createDiscordAdapter({ dispatcher: app.dispatcher, config: app.config.discord, log, progressIntervalMs: 200 });
    await slackAdapter.start();
    await discordAdapter.start();
    eventsUrl = `http://127.0.0.1:${slackAdapter.address()?.port ?? 0}${SLACK_EVENTS_PATH}`;
    await app.history?.start([slackAdapter, discordAdapter]);
  }, 60_000);

  afterAll(async () => {
    await app?.history?.stop();
    await slackAdapter?.stop();
    await discordAdapter?.stop();
    await app?.shutdown();
    await slack?.close();
    await discord?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  function slash(text: string, channel: string, id: string): Promise<unknown> {
    return postSlashCommand({
      url: eventsUrl,
      signingSecret: SIGNING_SECRET,
      timeoutMs: 5000,
      fields: slashCommand({ text, channel_id: channel, response_url: slack.responseUrl(id) }),
    });
  }

  it('Slack: a digest made by /router-audit in a channel is posted to that channel, within the limits', async () => {
    await slash(`digest cron "*/3 * * * * *" ${TARGET}`, SLACK_CHANNEL, 'create');
    const created = await slack.nextCall('chat.postMessage', { where: (c) => c.args.channel === SLACK_CHANNEL && slackText(c).includes('created'), timeoutMs: 10_000 });
    const id = /Digest #(\d+) created/.exec(slackText(created))?.[1];
    expect(id).toBeDefined();

    const digest = await slack.nextCall('chat.postMessage', {
      where: (c) => slackText(c).includes(`Digest #${id}: ${TARGET}`),
      timeoutMs: 45_000,
    });
    expect(digest.args.channel).toBe(SLACK_CHANNEL);
    expect(digest.token).toBe(BOT_TOKEN);
    expectWithinLimits(digest);
    expect(slackText(digest)).toContain(`First digest: ${TARGET}: 2 hosts, 1 TP-Link family device`);

    await slash(`digest off ${id}`, SLACK_CHANNEL, 'off');
    await slack.nextCall('chat.postMessage', { where: (c) => c.args.channel === SLACK_CHANNEL && slackText(c).includes(`Digest #${id} is off`), timeoutMs: 10_000 });
    const digestPosts = slack.callsTo('chat.postMessage').filter((c) => slackText(c).includes(`Digest #${id}`) && !slackText(c).includes('created') && !slackText(c).includes('is off'));
    expect(new Set(digestPosts.map((c) => c.args.channel))).toEqual(new Set([SLACK_CHANNEL]));
    // Nothing of it went to Discord.
    expect(discord.rest.callsTo('createChannelMessage').filter((c) => embedText(c).includes(`Digest #${id}:`))).toEqual([]);
  }, 90_000);

  it('Slack: a weekly digest run now uploads its trend chart', async () => {
    await slash(`digest weekly mon 08:00 ${TARGET}`, SLACK_OTHER, 'weekly');
    const created = await slack.nextCall('chat.postMessage', { where: (c) => c.args.channel === SLACK_OTHER && slackText(c).includes('created'), timeoutMs: 10_000 });
    const id = /Digest #(\d+) created/.exec(slackText(created))?.[1];
    await slash(`digest now ${id}`, SLACK_OTHER, 'now');
    const upload = await slack.nextCall('files.completeUploadExternal', { timeoutMs: 45_000 });
    expect(upload.status).toBe(200);
    const chart = slack.uploads().find((u) => u.filename === `digest-${id}-trend.png`);
    expect(chart?.completed).toBe(true);
    expect(chart?.channelId).toBe(SLACK_OTHER);
    expect(chart?.bytes?.subarray(1, 4).toString()).toBe('PNG');
    await slash(`digest off ${id}`, SLACK_OTHER, 'off-weekly');
  }, 90_000);

  it('Discord: a digest made by the slash command in a channel is posted to that channel', async () => {
    const ix = discord.dispatchInteraction({
      options: [opt.subcommand('digest', [opt.string('action', 'cron'), opt.string('args', `*/3 * * * * * ${TARGET}`)])],
      channelId: DISCORD_CHANNEL,
    });
    await ix.callback();
    let edit = await ix.nextEdit({ timeoutMs: 10_000 });
    while (!embedText(edit).includes('created')) edit = await ix.nextEdit({ timeoutMs: 10_000 });
    const id = /Digest #(\d+) created/.exec(embedText(edit))?.[1];
    expect(id).toBeDefined();

    const post: DiscordRestCall = await discord.rest.nextCall('createChannelMessage', {
      where: (c) => embedText(c).includes(`Digest #${id}: ${TARGET}`),
      timeoutMs: 45_000,
    });
    expect(post.params.channelId).toBe(DISCORD_CHANNEL);
    expect(post.authorization).toBe(`Bot ${discord.token}`);
    // The Slack test scanned the same network before: this digest compares with that scan.
    expect(embedText(post)).toMatch(new RegExp(`No change since .+ UTC\\.|First digest: ${TARGET.replace(/\./g, '\\.')}: 2 hosts`));

    const off = discord.dispatchInteraction({ options: [opt.subcommand('digest', [opt.string('action', 'off'), opt.string('args', String(id))])], channelId: DISCORD_CHANNEL });
    await off.callback();
    let offEdit = await off.nextEdit({ timeoutMs: 10_000 });
    while (!embedText(offEdit).includes('is off')) offEdit = await off.nextEdit({ timeoutMs: 10_000 });
    const elsewhere = discord.rest.callsTo('createChannelMessage').filter((c) => embedText(c).includes(`Digest #${id}:`) && c.params.channelId !== DISCORD_CHANNEL);
    expect(elsewhere).toEqual([]);
    expect(slack.callsTo('chat.postMessage').filter((c) => slackText(c).includes(`Digest #${id}:`))).toEqual([]);
  }, 90_000);
});
