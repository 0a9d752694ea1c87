/**
 * `/router-audit spray file:<attachment>` through the real discord.js client: the size Discord
 * reports is checked before anything is fetched (a 2 GB upload is refused privately and never
 * downloaded), a log within the limit is downloaded from the stand-in's attachment URL into a
 * temp directory, analysed, and the directory is gone afterwards. Access control comes before the
 * download too. SPRAY_LOG_PATHS is not set: only the uploaded file can be read.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationCommandOptionType } from 'discord.js';
import { commandData } from '../../../src/bot/discord/command-data';
import { recentSprayLog } from '../../support/signin-logs';
import { startDiscord, opt, type DiscordStandIn } from '../../../lab/chat/discord';
import type { DiscordRestCall } from '../../../lab/chat/discord-rest';
import { EPHEMERAL, ScriptedRunner, embedText, emptyResult, expectWithinLimits, finalEdit, flagsOf, startBot, type RunningBot } from './bot';

const GUILD = '400000000000000055';
const OPS = '500000000000000055';
const SPRAYERS = '600000000000000055';
const SPRAY_SOURCE = '203.0.113.77';

/** The log users send here: a spray against 12 accounts, then user3's password works. */
const sprayLog = (): string => recentSprayLog(SPRAY_SOURCE);

describe('Discord: spray on an attached log file', () => {
  let discord: DiscordStandIn;
  let bot: RunningBot;
  let tempRoot: string;

  beforeAll(async () => {
    tempRoot = mkdtempSync(path.join(os.tmpdir(), 'ra-discord-uploads-'));
    discord = await startDiscord({ guilds: [{ id: GUILD, name: 'Lab', channels: [{ id: OPS, name: 'netops' }] }] });
    bot = await startBot(discord, new ScriptedRunner(emptyResult), { DISCORD_ALLOWED_ROLES: SPRAYERS }, { uploadTempDir: tempRoot });
  });

  afterAll(async () => {
    await bot?.adapter.stop();
    await discord?.close();
    rmSync(tempRoot, { recursive: true, force: true });
  });

  afterEach(() => {
    // Whatever the case did, the upload's temp directory is gone once the reply is out.
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  const downloadsOf = (attachmentId: string): DiscordRestCall[] => discord.rest.callsTo('downloadAttachment').filter((c) => c.params.id === attachmentId);

  it('registers spray with an optional attachment option named file', () => {
    const spray = commandData().options?.find((o) => o.name === 'spray') as { options?: Array<{ type: number; name: string; required?: boolean; description: string }> } | undefined;
    const file = spray?.options?.find((o) => o.name === 'file');
    expect(file).toMatchObject({ type: ApplicationCommandOptionType.Attachment, required: false });
    expect(file?.description).toMatch(/sign-in log/);
    // Only commands that read files get one.
    const scan = commandData().options?.find((o) => o.name === 'scan') as { options?: Array<{ name: string }> } | undefined;
    expect(scan?.options?.map((o) => o.name)).not.toContain('file');
  });

  it('defers, downloads the attachment, and edits the reply with the critical finding and masked accounts', async () => {
    const file = discord.attachment({ filename: 'signins.json', content: sprayLog(), contentType: 'application/json' });
    const ix = discord.dispatchInteraction({
      options: [opt.subcommand('spray', [opt.attachment('file', file.id)])],
      attachments: [file],
      memberRoles: [SPRAYERS],
      channelId: OPS,
    });
    const defer = await ix.callback();
    expect(flagsOf(defer) & EPHEMERAL).toBe(0);
    const edit = await finalEdit(ix);
    expectWithinLimits(edit);
    const text = embedText(edit);
    expect(text).toContain('Password-spray check');
    expect(text).toMatch(/critical/i);
    expect(text).toContain(SPRAY_SOURCE);
    expect(text).toContain('u***3@contoso.com');
    expect(text).not.toContain('user3@contoso.com');
    const downloads = downloadsOf(file.id);
    expect(downloads).toHaveLength(1);
    expect(downloads[0]?.seq).toBeGreaterThan(defer.seq);
    expect(bot.lines.join('')).toContain('attachment downloaded');
  });

  it('refuses a 2 GB attachment privately from the start, names the limit, and downloads nothing', async () => {
    const file = discord.attachment({ filename: 'huge-signins.json', content: sprayLog(), declaredSize: 2 * 1024 ** 3 });
    const ix = discord.dispatchInteraction({
      options: [opt.subcommand('spray', [opt.attachment('file', file.id)])],
      attachments: [file],
      memberRoles: [SPRAYERS],
      channelId: OPS,
    });
    expect(flagsOf(await ix.callback()) & EPHEMERAL).toBe(EPHEMERAL);
    const edit = await ix.nextEdit();
    expectWithinLimits(edit);
    const text = embedText(edit);
    expect(text).toContain('huge-signins.json');
    expect(text).toContain('2 GB');
    expect(text).toContain('200 MB');
    expect(text).toContain('SPRAY_MAX_UPLOAD_MB');
    expect((ix.state().original?.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(downloadsOf(file.id)).toEqual([]);
  });

  it('checks access before fetching anything: a member without the role is refused and the file is not downloaded', async () => {
    const file = discord.attachment({ filename: 'signins.json', content: sprayLog() });
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('spray', [opt.attachment('file', file.id)])], attachments: [file], channelId: OPS });
    expect(flagsOf(await ix.callback()) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(await ix.nextEdit())).toContain('DISCORD_ALLOWED_ROLES');
    expect(downloadsOf(file.id)).toEqual([]);
  });

  it('answers privately when the attachment cannot be fetched, and analyses nothing', async () => {
    const file = discord.attachment({ filename: 'gone.json', content: sprayLog() });
    discord.rest.store.attachments.delete(file.id);
    const ix = discord.dispatchInteraction({
      options: [opt.subcommand('spray', [opt.attachment('file', file.id)])],
      attachments: [file],
      memberRoles: [SPRAYERS],
      channelId: OPS,
    });
    expect(flagsOf(await ix.callback()) & EPHEMERAL).toBe(0);
    // The public "thinking…" goes; the reason comes as a private follow-up.
    const followup = await ix.nextFollowup();
    expect(flagsOf(followup) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(followup)).toContain('Could not fetch "gone.json": the file server answered HTTP 404');
    expect(downloadsOf(file.id)).toHaveLength(1);
    expect(ix.state().original).toBeUndefined();
  });

  it('without a file, asks for one in text (the hint names the file option and the limit)', async () => {
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('spray')], memberRoles: [SPRAYERS], channelId: OPS });
    const edit = await finalEdit(ix);
    expectWithinLimits(edit);
    expect(embedText(edit)).toContain('run /router-audit spray with the file option (up to 200 MB)');
  });
});
