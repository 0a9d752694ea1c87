/**
 * Environment for a bot process (or an in-process `main`) pointed at the stand-ins, using the
 * variable names of issue 4. For tests that start the bot the way users do (`npm start`, a child
 * process, a restart on the same DATA_DIR):
 *
 *   const env = { ...process.env, ...slackEnv(slack, { signingSecret: SECRET, port: 0 }), ...discordEnv(discord) };
 *   spawn(process.execPath, ['dist/src/main.js'], { env });
 *
 * The stand-ins listen on 127.0.0.1 of the network namespace they started in, so the bot process
 * runs in the same one: the host's in the tests (their scans go into lab namespaces through
 * SCAN_NETNS), a lab namespace in the chat benchmark.
 */
import type { DiscordStandIn } from './discord';
import type { SlackApiStandIn } from './slack-api';

export interface SlackEnvOptions {
  signingSecret: string;
  /** Bot token; must be among the stand-in's `tokens` if it has a list. Default "xoxb-loopback". */
  botToken?: string;
  /** Set to use Socket Mode (SLACK_APP_TOKEN); the stand-in needs a socketModeUrl then. */
  appToken?: string;
  /** HTTP receiver port (PORT). */
  port?: number;
}

export function slackEnv(slack: SlackApiStandIn, options: SlackEnvOptions): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: options.botToken ?? 'xoxb-loopback',
    SLACK_SIGNING_SECRET: options.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    ...(options.appToken ? { SLACK_APP_TOKEN: options.appToken } : {}),
    ...(options.port !== undefined ? { PORT: String(options.port) } : {}),
  };
}

export interface DiscordEnvOptions {
  /** DISCORD_GUILD_ID for guild-scoped registration. */
  guildId?: string;
}

export function discordEnv(discord: DiscordStandIn, options: DiscordEnvOptions = {}): Record<string, string> {
  return {
    DISCORD_TOKEN: discord.token,
    DISCORD_APPLICATION_ID: discord.applicationId,
    // REST base without version: @discordjs/rest appends "/v10".
    DISCORD_API_URL: discord.apiUrl,
    ...(options.guildId ? { DISCORD_GUILD_ID: options.guildId } : {}),
  };
}
