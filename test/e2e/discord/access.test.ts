/**
 * Access control from DISCORD_ALLOWED_ROLES / DISCORD_ALLOWED_CHANNELS, through the real client:
 * the member's role ids come from discord.js's guild cache, the refusal is private (deferred
 * ephemeral, decided before anything runs), and help/advice stay open to everyone.
 */
import { startDiscord, opt, type DiscordStandIn } from '../../../lab/chat/discord';
import { EPHEMERAL, ScriptedRunner, embedText, emptyResult, expectWithinLimits, finalEdit, flagsOf, startBot, type RunningBot } from './bot';

const GUILD = '400000000000000077';
const OPS = '500000000000000001';
const LOBBY = '500000000000000002';
const NETADMIN = '600000000000000001';
const OTHER_ROLE = '600000000000000002';

describe('Discord adapter: access by role and channel', () => {
  let discord: DiscordStandIn;
  let bot: RunningBot;
  const runner = new ScriptedRunner(emptyResult);

  beforeAll(async () => {
    discord = await startDiscord({
      guilds: [{ id: GUILD, name: 'Lab', roles: [{ id: NETADMIN, name: 'netadmin' }], channels: [{ id: OPS, name: 'netops' }, { id: LOBBY, name: 'lobby' }] }],
    });
    bot = await startBot(discord, runner, { DISCORD_ALLOWED_ROLES: NETADMIN, DISCORD_ALLOWED_CHANNELS: OPS });
  });

  afterAll(async () => {
    await bot?.adapter.stop();
    await discord?.close();
  });

  beforeEach(() => runner.reset());

  const scan = (memberRoles: string[], channelId: string) =>
    discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', '10.5.0.0/30')])], memberRoles, channelId });

  it('does not warn about open access when both lists are set', () => {
    expect(bot.lines.join('')).not.toContain('everyone who can reach the bot may run scans');
  });

  it('lets a member with an allowed role scan in an allowed channel, publicly', async () => {
    const ix = scan([OTHER_ROLE, NETADMIN], OPS);
    expect(flagsOf(await ix.callback()) & EPHEMERAL).toBe(0);
    const edit = await finalEdit(ix);
    expectWithinLimits(edit);
    expect(embedText(edit)).toContain('Scan of 10.5.0.0/30');
    expect(runner.jobs).toHaveLength(1);
  });

  it('refuses a member without an allowed role, privately from the start, and scans nothing', async () => {
    const ix = scan([OTHER_ROLE], OPS);
    expect(flagsOf(await ix.callback()) & EPHEMERAL).toBe(EPHEMERAL);
    const edit = await ix.nextEdit();
    expect(embedText(edit)).toContain('DISCORD_ALLOWED_ROLES');
    expect(discord.rest.callsTo('deleteWebhookMessage').filter((c) => c.params.token === ix.token)).toEqual([]);
    expect(runner.jobs).toEqual([]);
  });

  it('refuses an allowed member in a channel that is not allowed', async () => {
    const ix = scan([NETADMIN], LOBBY);
    expect(flagsOf(await ix.callback()) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(await ix.nextEdit())).toContain('DISCORD_ALLOWED_CHANNELS');
    expect(runner.jobs).toEqual([]);
  });

  it('refuses scans in a DM, where there are no roles', async () => {
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('targets', '10.5.0.0/30')])], guildId: null });
    expect(flagsOf(await ix.callback()) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(await ix.nextEdit())).toContain('DISCORD_ALLOWED_ROLES');
    expect(runner.jobs).toEqual([]);
  });

  it.each(['help', 'advice'])('keeps %s open to a member without roles in any channel', async (name) => {
    const ix = discord.dispatchInteraction({ options: [opt.subcommand(name)], memberRoles: [], channelId: LOBBY });
    expect(flagsOf(await ix.callback()) & EPHEMERAL).toBe(0);
    expectWithinLimits(await ix.nextEdit());
  });
});
