/**
 * The Discord adapter end to end: the real discord.js client logs in to the loopback REST +
 * gateway stand-in; INTERACTION_CREATEs go through deferReply, the dispatcher and editReply /
 * followUp, and what reaches "Discord" is checked against Discord's limits.
 */
import { GatewayIntentBits, InteractionResponseType } from 'discord.js';
import { scanReport } from '../../../src/commands/scan-report';
import { startDiscord, opt, type DiscordStandIn } from '../../../lab/chat/discord';
import { waitUntil } from '../../support/wait';
import { syntheticScan } from '../../unit/bot/discord/synthetic-scan';
import { EPHEMERAL, ScriptedRunner, embedText, emptyResult, expectWithinLimits, finalEdit, flagsOf, startBot, type RunningBot } from './bot';

describe('Discord adapter: interactions through the real discord.js client', () => {
  let discord: DiscordStandIn;
  let bot: RunningBot;
  const runner = new ScriptedRunner(emptyResult);

  beforeAll(async () => {
    discord = await startDiscord({ heartbeatIntervalMs: 1000 });
    bot = await startBot(discord, runner);
  });

  afterAll(async () => {
    await bot?.adapter.stop();
    await discord?.close();
  });

  beforeEach(() => {
    runner.reset();
    discord.rest.clearFailures();
  });

  it('logs in with the Guilds intent only and warns that access is open to everyone', async () => {
    const identify = await discord.gateway.waitForIdentify();
    expect(identify.d).toMatchObject({ token: discord.token, intents: GatewayIntentBits.Guilds });
    expect(bot.lines.join('')).toContain('DISCORD_ALLOWED_ROLES and DISCORD_ALLOWED_CHANNELS are not set');
  });

  it.each(['help', 'advice'])('defers %s at once, then edits the reply with embeds within the limits', async (name) => {
    const ix = discord.dispatchInteraction({ options: [opt.subcommand(name)] });
    const defer = await ix.callback();
    expect(defer.body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: 0 } });
    const edit = await ix.nextEdit();
    expect(edit.seq).toBeGreaterThan(defer.seq);
    expectWithinLimits(edit);
    expect(edit.body).toMatchObject({ allowed_mentions: { parse: [] } });
    const embeds = (edit.body as { embeds: Array<{ title?: string }> }).embeds;
    expect(embeds[0]?.title).toBe(name === 'help' ? 'router-audit' : 'Hardening advice');
    if (name === 'advice') expect(embedText(edit)).toMatch(/\]\(https:\/\/learn\.microsoft\.com/);
    expect(ix.state().original?.embeds.length).toBeGreaterThan(0);
  });

  it('answers a usage error privately: deferred ephemeral, nothing scanned', async () => {
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scna')] });
    const defer = await ix.callback();
    expect(flagsOf(defer) & EPHEMERAL).toBe(EPHEMERAL);
    const edit = await ix.nextEdit();
    expectWithinLimits(edit);
    expect(embedText(edit)).toContain('Did you mean scan?');
    expect((ix.state().original?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(runner.jobs).toEqual([]);
  });

  it('answers a refused public target privately: the public defer is deleted, the refusal is an ephemeral follow-up', async () => {
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', '8.8.8.0/24')])] });
    const defer = await ix.callback();
    expect(flagsOf(defer) & EPHEMERAL).toBe(0);
    const followup = await ix.nextFollowup();
    expectWithinLimits(followup);
    expect(flagsOf(followup) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(followup)).toContain('8.8.8.0/24');
    expect(discord.rest.callsTo('deleteWebhookMessage').filter((c) => c.params.token === ix.token)).toHaveLength(1);
    expect(ix.state().original).toBeUndefined();
    expect(runner.jobs).toEqual([]);
  });

  it('answers a bad option value found while running (not by the parser) privately too', async () => {
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', '10.1.0.0/30'), opt.string('timeout', 'soon')])] });
    const followup = await ix.nextFollowup();
    expect(flagsOf(followup) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(followup)).toContain('--timeout takes milliseconds');
    expect(runner.jobs).toEqual([]);
  });

  it('shows progress by editing the deferred reply, then replaces it with the report', async () => {
    let release: () => void = () => undefined;
    runner.release = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', '10.1.0.0/30')])] });
    await ix.callback();
    const progress = await ix.nextEdit();
    expect((progress.body as { content?: string }).content).toMatch(/^⏳ Scanning 10\.1\.0\.0\/30/);
    release();
    const final = await finalEdit(ix);
    expectWithinLimits(final);
    expect((final.body as { content?: string }).content).toBe('');
    expect(embedText(final)).toContain('Scan of 10.1.0.0/30');
    expect(runner.jobs.map((job) => job.targets)).toEqual([['10.1.0.0/30']]);
    expect(ix.state().original?.content).toBe('');
  });

  it('splits a huge report (600 hosts, 80 findings) over the reply and follow-ups, attaching hosts.csv and scan.json', async () => {
    runner.result = () => syntheticScan(600, 80);
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', '10.77.0.0/22')])] });
    const edit = await finalEdit(ix);
    expectWithinLimits(edit);
    expect(edit.files.map((f) => f.filename).sort()).toEqual(['hosts.csv', 'scan.json']);
    const csv = edit.files.find((f) => f.filename === 'hosts.csv')?.bytes.toString('utf8') ?? '';
    expect(csv.trim().split('\r\n')).toHaveLength(601);
    const expected = scanReport(syntheticScan(600, 80));
    expect(embedText(edit)).toContain(expected.title);
    const followups = [await ix.nextFollowup()];
    const total = Number(/Part 1 of (\d+)/.exec(embedText(edit))?.[1]);
    expect(total).toBeGreaterThan(1);
    while (followups.length < total - 1) followups.push(await ix.nextFollowup());
    for (const followup of followups) {
      expectWithinLimits(followup);
      expect(flagsOf(followup) & EPHEMERAL).toBe(0);
    }
    expect(embedText(followups[followups.length - 1] ?? edit)).toContain(`Part ${total} of ${total}`);
    expect(ix.state().followups).toHaveLength(total - 1);
  });

  it('retries an edit answered with 429 and still delivers the report', async () => {
    discord.rest.rateLimit('editWebhookMessage', 1);
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('help')] });
    const first = await ix.nextEdit();
    const second = await ix.nextEdit({ timeoutMs: 10_000 });
    expect([first.status, second.status]).toEqual([429, 200]);
    expect(ix.state().original?.embeds.length).toBeGreaterThan(0);
  });

  it('survives Discord refusing the acknowledgement: logs it, runs nothing, keeps serving', async () => {
    discord.rest.failWith('createInteractionResponse', 404, 10062, 'Unknown interaction');
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', '10.1.0.0/30')])] });
    const callback = await ix.callback();
    expect(callback.status).toBe(404);
    await waitForLog(bot.lines, 'could not acknowledge');
    expect(runner.jobs).toEqual([]);

    const next = discord.dispatchInteraction({ options: [opt.subcommand('help')] });
    expectWithinLimits(await next.nextEdit());
  });

  it('survives every edit failing: logs with a reference, no crash, the next command works', async () => {
    discord.rest.failWith('editWebhookMessage', 500, 0, 'Internal Server Error', { times: Infinity });
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('advice')] });
    await ix.callback();
    await waitForLog(bot.lines, 'could not send the failure notice', 30_000);
    discord.rest.clearFailures();
    const next = discord.dispatchInteraction({ options: [opt.subcommand('help')] });
    expectWithinLimits(await next.nextEdit());
  }, 60_000);

  it('never logs the bot token or an interaction token', () => {
    const text = bot.lines.join('');
    // The failures above were logged with their (redacted) paths.
    expect(text).toMatch(/"path":"\/api\/v10\/webhooks\/\d+\/:token\/messages\/(@|%40)original"/);
    expect(text).not.toContain(discord.token);
    for (const call of discord.rest.calls.all((c) => c.params.token !== undefined)) expect(text).not.toContain(call.params.token);
  });
});

function waitForLog(lines: string[], needle: string, timeoutMs?: number): Promise<void> {
  return waitUntil(() => lines.some((line) => line.includes(needle)), () => `a log line with "${needle}"; saw:\n${lines.join('')}`, timeoutMs);
}
