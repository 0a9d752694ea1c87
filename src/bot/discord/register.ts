import dotenv from 'dotenv';
import { REST, Routes } from 'discord.js';
import { ConfigError, loadConfig } from '../../config/env';
import { commandData } from './command-data';
import { describeDiscordError } from './errors';

/**
 * `npm run register:discord`: registers `/router-audit` (generated from the command registry) with
 * Discord. Guild-scoped with DISCORD_GUILD_ID (shows up at once: use it while trying the bot),
 * global otherwise (may take up to an hour to appear everywhere). PUT replaces the application's
 * commands, so running it again is safe.
 */

export class RegisterError extends Error {
  override name = 'RegisterError';
}

export interface RegisterResult {
  scope: 'guild' | 'global';
  guildId?: string;
  commandIds: string[];
}

export async function registerCommands(env: NodeJS.ProcessEnv = process.env): Promise<RegisterResult> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new RegisterError(error.message);
    throw error;
  }
  const discord = config.discord;
  const missing = [!discord && 'DISCORD_TOKEN (the bot token from the Developer Portal, Bot page)', !discord?.applicationId && 'DISCORD_APPLICATION_ID (General Information page)'].filter(Boolean);
  if (!discord || !discord.applicationId || missing.length > 0) {
    throw new RegisterError(`Cannot register the Discord command: set ${missing.join(' and ')} in the environment or .env.`);
  }
  const rest = new REST(discord.apiUrl ? { api: discord.apiUrl } : {}).setToken(discord.token);
  const route = discord.guildId ? Routes.applicationGuildCommands(discord.applicationId, discord.guildId) : Routes.applicationCommands(discord.applicationId);
  let answer: unknown;
  try {
    answer = await rest.put(route, { body: [commandData()] });
  } catch (error) {
    const { message, status, code } = describeDiscordError(error);
    if (status === undefined) {
      throw new RegisterError(`Could not reach Discord at ${discord.apiUrl ?? 'https://discord.com/api'}: ${message}. Check the network${discord.apiUrl ? ' and DISCORD_API_URL' : ''}.`);
    }
    const hint =
      status === 401 ? ' Check DISCORD_TOKEN.' : status === 403 || code === 50001 ? ' Check DISCORD_APPLICATION_ID, DISCORD_GUILD_ID, and that the bot was invited to the server with the applications.commands scope.' : '';
    throw new RegisterError(`Discord refused the registration: ${message} (HTTP ${status}${code !== undefined ? `, code ${String(code)}` : ''}).${hint}`);
  }
  const commandIds = Array.isArray(answer) ? answer.map((c: { id?: unknown }) => String(c.id)) : [];
  return { scope: discord.guildId ? 'guild' : 'global', ...(discord.guildId ? { guildId: discord.guildId } : {}), commandIds };
}

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  try {
    const result = await registerCommands();
    const where = result.scope === 'guild' ? `in server ${result.guildId}` : 'globally (it can take up to an hour to show up everywhere)';
    process.stdout.write(`Registered /router-audit ${where}.\n`);
  } catch (error) {
    process.stderr.write(`register:discord: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof RegisterError ? 2 : 1;
  }
}

if (require.main === module) void main();
