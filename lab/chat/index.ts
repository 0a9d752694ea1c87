/**
 * Loopback test harness for the chat front ends (issue 4) and digests (issue 6): the real Bolt and
 * discord.js on the bot side, recording stand-ins for Slack and Discord on the other side, all on
 * 127.0.0.1 with kernel-chosen ports. Nothing in Bolt or discord.js is mocked.
 *
 * Slack
 *   startSlackApi()        Web API + response_url + file upload host       (slack-api.ts)
 *   startSlackSocketMode() Socket Mode WebSocket server                      (slack-socket.ts)
 *   postSlashCommand()     signed (or forged / stale) slash command → Bolt   (slack-signing.ts)
 *   postEvent()            signed Events API event_callback → Bolt           (slack-events.ts)
 *   fileShareEvent()       a user's (thread) reply with files, as a message event
 *   slack.hostFile()       a shared file served at url_private_download (Bearer only)
 *   slashCommand()         the slash-command fields                          (slack-slash-command.ts)
 *   stopBoltApp()          stop Bolt, awaiting the Socket Mode close          (slack-bolt.ts)
 *   recordingSlackLogger() quiet, inspectable Bolt logger                     (slack-logger.ts)
 *   blockKitProblems()     Block Kit limits the stand-in enforces             (slack-limits.ts)
 * Discord
 *   startDiscord()         REST + gateway + state for discord.js             (discord.ts)
 *   opt.*                  option builders for INTERACTION_CREATE            (discord-payloads.ts)
 *   discordMessageProblems() message/embed limits the stand-in enforces     (discord-limits.ts)
 * Both
 *   CallLog                recorded calls with bounded "wait for the next"   (call-log.ts)
 *   slackEnv(), discordEnv() environment for a bot process                  (bot-env.ts)
 *
 * Close order in afterAll: the bot first (stopBoltApp / client.destroy()), then the stand-ins.
 * Examples: test/e2e/harness/*.test.ts; the chat benchmark: bench/chat.ts.
 */
export { CallLog, DEFAULT_WAIT_MS, type WaitOptions } from './call-log';
export { discordEnv, slackEnv, type DiscordEnvOptions, type SlackEnvOptions } from './bot-env';
export {
  DEFAULT_TOKEN as DISCORD_DEFAULT_TOKEN,
  DiscordStandIn,
  opt,
  startDiscord,
  type DiscordStandInOptions,
  type DispatchedInteraction,
  type InteractionSpec,
} from './discord';
export { DISCORD_LIMITS, discordMessageProblems, invalidFormBody, type DiscordProblem } from './discord-limits';
export type { InteractionRecord, RegisteredCommand, StoredAttachment } from './discord-messages';
export { DEFAULT_HEARTBEAT_MS, DiscordGatewayStandIn, type GatewayConnection, type GatewayFrame, type GatewaySent } from './discord-gateway';
export { snowflake, type DiscordChannelSpec, type DiscordGuildSpec, type DiscordRoleSpec, type DiscordUserSpec } from './discord-payloads';
export { DiscordRestStandIn, type DiscordRestCall, type DiscordRoute, type RestRuleOptions } from './discord-rest';
export { freeLoopbackPort, LOOPBACK_HOST, type UploadedFile } from './loopback-http';
export {
  FILE_DOWNLOAD,
  FILE_UPLOAD,
  RESPONSE_URL,
  SlackApiStandIn,
  startSlackApi,
  type RuleOptions,
  type SlackApiCall,
  type SlackApiOptions,
  type HostFileOptions,
  type SlackChannel,
  type SlackFileObject,
  type SlackMessage,
  type SlackUpload,
} from './slack-api';
export { stopBoltApp } from './slack-bolt';
export { checkFileInfo, eventCallback, fileShareEvent, messageTs, postEvent, type EventPostOptions, type FileShareEventOptions } from './slack-events';
export { SLACK_LIMITS, blockKitProblems } from './slack-limits';
export { recordingSlackLogger, type LogLine, type RecordingSlackLogger } from './slack-logger';
export { postSigned, postSlashCommand, signSlackBody, type SignedPostOptions, type SlackHttpResult, type SlashCommandPostOptions } from './slack-signing';
export { slashCommand, slashCommandForm, type SlashCommandFields } from './slack-slash-command';
export {
  SlackSocketStandIn,
  startSlackSocketMode,
  type PushedEnvelope,
  type SlackSocketOptions,
  type SocketAck,
  type SocketConnection,
  type SocketEnvelope,
} from './slack-socket';
