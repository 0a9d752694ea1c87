/**
 * `npm run register:discord` (dist/src/bot/discord/register.js) against the REST stand-in: the
 * payload it PUTs is the one generated from the registry, guild-scoped with DISCORD_GUILD_ID and
 * global without; missing variables and refusals give a clear message and exit code.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandData } from '../../../src/bot/discord/command-data';
import { RegisterError, registerCommands } from '../../../src/bot/discord/register';
import { PROJECT_ROOT } from '../../../src/paths';
import { startDiscord, type DiscordStandIn } from '../../../lab/chat/discord';

const SCRIPT = path.join(PROJECT_ROOT, 'dist', 'src', 'bot', 'discord', 'register.js');
const GUILD = '400000000000000099';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled script in an empty directory (no .env there) with only the given variables. */
function runScript(env: Record<string, string>, cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('register:discord', () => {
  let discord: DiscordStandIn;
  let cwd: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    discord = await startDiscord({ guilds: [{ id: GUILD, name: 'Lab' }] });
    cwd = mkdtempSync(path.join(os.tmpdir(), 'register-discord-'));
    env = { DISCORD_TOKEN: discord.token, DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.apiUrl };
  });

  afterAll(async () => {
    await discord?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('PUTs the generated command to the guild with DISCORD_GUILD_ID', async () => {
    const run = await runScript({ ...env, DISCORD_GUILD_ID: GUILD }, cwd);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`Registered /router-audit in server ${GUILD}`);
    expect(run.code).toBe(0);
    const put = await discord.rest.nextCall('putGuildCommands');
    expect(put.params).toMatchObject({ applicationId: discord.applicationId, guildId: GUILD });
    expect(put.authorization).toBe(`Bot ${discord.token}`);
    expect(put.body).toEqual([JSON.parse(JSON.stringify(commandData()))]);
    expect(discord.registeredCommands(GUILD).map((c) => c.name)).toEqual(['router-audit']);
    // spray takes a log file as an attachment option (type 11), optional.
    const [command] = put.body as Array<{ options: Array<{ name: string; options?: Array<{ name: string; type: number; required?: boolean }> }> }>;
    const spray = command?.options.find((o) => o.name === 'spray');
    expect(spray?.options?.find((o) => o.name === 'file')).toMatchObject({ type: 11, required: false });
  });

  it('PUTs it globally without DISCORD_GUILD_ID', async () => {
    const run = await runScript(env, cwd);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Registered /router-audit globally');
    const put = await discord.rest.nextCall('putGlobalCommands');
    expect(put.body).toEqual([JSON.parse(JSON.stringify(commandData()))]);
    expect(discord.registeredCommands().map((c) => c.name)).toEqual(['router-audit']);
  });

  it('names the missing variables, exits 2, and calls nobody', async () => {
    const before = discord.rest.calls.count();
    const run = await runScript({ DISCORD_API_URL: discord.apiUrl }, cwd);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DISCORD_TOKEN');
    expect(run.stderr).toContain('DISCORD_APPLICATION_ID');
    const noApp = await runScript({ DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl }, cwd);
    expect(noApp.code).toBe(2);
    expect(noApp.stderr).toContain('set DISCORD_APPLICATION_ID');
    expect(discord.rest.calls.count()).toBe(before);
  });

  it('explains a refused token without printing it', async () => {
    const wrong = 'wrong-token-value-123';
    const run = await runScript({ ...env, DISCORD_TOKEN: wrong }, cwd);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('HTTP 401');
    expect(run.stderr).toContain('Check DISCORD_TOKEN');
    expect(run.stderr).not.toContain(wrong);
  });

  it('says when Discord cannot be reached at all', async () => {
    const run = await runScript({ ...env, DISCORD_API_URL: 'http://127.0.0.1:9/api' }, cwd);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Could not reach Discord at http://127.0.0.1:9/api');
  });

  it('is callable in-process too, and reports what it registered', async () => {
    const result = await registerCommands({ ...env, DISCORD_GUILD_ID: GUILD });
    expect(result).toEqual({ scope: 'guild', guildId: GUILD, commandIds: discord.registeredCommands(GUILD).map((c) => c.id) });
    await expect(registerCommands({})).rejects.toBeInstanceOf(RegisterError);
  });
});
