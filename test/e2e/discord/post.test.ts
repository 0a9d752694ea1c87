/**
 * The adapter's side that nobody triggers by typing: post() for scheduled digests (channels that
 * are gone map to ChannelGoneError), the fallback to the channel when an interaction expired
 * before its scan finished, and stop() closing the gateway.
 */
import { ChannelGoneError } from '../../../src/bot/types';
import { messageReport } from '../../../src/commands/report';
import { scanReport } from '../../../src/commands/scan-report';
import { startDiscord, opt, type DiscordStandIn } from '../../../lab/chat/discord';
import { syntheticScan } from '../../unit/bot/discord/synthetic-scan';
import { ScriptedRunner, emptyResult, expectWithinLimits, startBot, type RunningBot } from './bot';

const GUILD = '400000000000000088';
const DIGESTS = '500000000000000011';
const OLD = '500000000000000012';

describe('Discord adapter: posts, expired interactions, shutdown', () => {
  let discord: DiscordStandIn;
  let bot: RunningBot;
  const runner = new ScriptedRunner(emptyResult);

  beforeAll(async () => {
    discord = await startDiscord({ guilds: [{ id: GUILD, name: 'Lab', channels: [{ id: DIGESTS, name: 'digests' }, { id: OLD, name: 'old' }] }] });
    bot = await startBot(discord, runner, {}, { stopGraceMs: 2000 });
  });

  afterAll(async () => {
    await bot?.adapter.stop();
    await discord?.close();
  });

  it('posts a digest to a channel over REST with the bot token, within the limits and without pings', async () => {
    await bot.adapter.post(DIGESTS, messageReport('Daily digest', 'No change since yesterday 08:00 @everyone', 'ok'));
    const call = await discord.rest.nextCall('createChannelMessage');
    expectWithinLimits(call);
    expect(call.authorization).toBe(`Bot ${discord.token}`);
    expect(call.body).toMatchObject({ allowed_mentions: { parse: [] } });
    expect(discord.channelMessages(DIGESTS)[0]?.embeds[0]?.title).toBe('Daily digest');
  });

  it('posts a long report as several messages, with the full data attached', async () => {
    const before = discord.channelMessages(DIGESTS).length;
    await bot.adapter.post(DIGESTS, scanReport(syntheticScan(600, 80)));
    const posted = discord.channelMessages(DIGESTS).slice(before);
    expect(posted.length).toBeGreaterThan(1);
    expect(posted[0]?.attachments.map((a) => a.filename).sort()).toEqual(['hosts.csv', 'scan.json']);
    for (const call of discord.rest.callsTo('createChannelMessage').slice(-posted.length)) expectWithinLimits(call);
  });

  it('rejects with ChannelGoneError for Unknown Channel (10003) and Missing Access (50001)', async () => {
    discord.removeChannel(OLD);
    await expect(bot.adapter.post(OLD, messageReport('Digest', 'x', 'ok'))).rejects.toBeInstanceOf(ChannelGoneError);
    discord.rest.failWith('createChannelMessage', 403, 50001, 'Missing Access');
    await expect(bot.adapter.post(DIGESTS, messageReport('Digest', 'x', 'ok'))).rejects.toBeInstanceOf(ChannelGoneError);
  });

  it('passes other errors through for the scheduler to retry', async () => {
    discord.rest.failWith('createChannelMessage', 400, 50035, 'Invalid Form Body');
    await expect(bot.adapter.post(DIGESTS, messageReport('Digest', 'x', 'ok'))).rejects.not.toBeInstanceOf(ChannelGoneError);
  });

  it('posts the report to the channel when the interaction expired before the scan finished', async () => {
    discord.rest.failWith('editWebhookMessage', 401, 50027, 'Invalid Webhook Token', { times: Infinity });
    const before = discord.channelMessages(DIGESTS).length;
    const lastSeq = Math.max(0, ...discord.rest.calls.all().map((c) => c.seq));
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', '10.6.0.0/30')])], channelId: DIGESTS });
    await ix.callback();
    const post = await discord.rest.nextCall('createChannelMessage', { where: (c) => c.seq > lastSeq && c.params.channelId === DIGESTS });
    discord.rest.clearFailures();
    expectWithinLimits(post);
    expect(discord.channelMessages(DIGESTS).slice(before)[0]?.embeds[0]?.title).toBe('Scan of 10.6.0.0/30');
  });

  it('stop() lets a running command finish, turns new ones away privately, then closes the gateway', async () => {
    let release: () => void = () => undefined;
    runner.release = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', '10.6.1.0/30')])], channelId: DIGESTS });
    await ix.callback();
    const stopping = bot.adapter.stop();
    // While stopping, a new command is told so, privately, and nothing else happens.
    const late = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', '10.6.2.0/30')])], channelId: DIGESTS });
    const answer = await late.callback();
    expect(answer.body).toMatchObject({ type: 4, data: { content: 'The bot is restarting. Try again in a minute.', flags: 64 } });
    release();
    await stopping;
    expect(runner.jobs.map((job) => job.targets[0])).not.toContain('10.6.2.0/30');
    const final = ix.state().original;
    expect(final?.embeds[0]?.title).toBe('Scan of 10.6.1.0/30');
    expect(discord.gateway.readySessions).toBe(0);
    expect(bot.adapter.client.isReady()).toBe(false);
  });
});
