import { stringify } from 'yaml';
import { overview } from '../../commands/help';
import { DEFAULT_COMMAND, commands as registry } from '../../commands/registry';
import { commandPrefix, usageOf } from '../../commands/usage';
import { offeredOn, type CommandSpec } from '../../commands/types';

/**
 * The Slack app manifest (slack-manifest.yml), generated from the command registry so the slash
 * command's description and usage hint never drift from the parser. `write-manifest.ts` writes the
 * file; a unit test fails when the file and this generator disagree.
 */

/** What the bot does with each scope. */
export const SLACK_BOT_SCOPES = {
  commands: 'receive /router-audit',
  'chat:write': 'post reports, edit the progress message, delete it when the answer went privately',
  'chat:write.public': 'post in public channels without being invited first',
  'files:write': 'attach hosts.csv, scan.json and spray.json (files.uploadV2)',
  'files:read': 'download a log file a user sends in reply to spray (url_private_download, files.info)',
  'channels:history': 'see that reply: message events in public channels the bot is in',
  'groups:history': 'see that reply in private channels the bot was invited to',
  'im:history': 'see that reply in a direct message with the bot',
  'channels:join': 'join a public channel where spray asked for a file (Slack sends message events only from channels the bot is in)',
} as const;

/**
 * Events the bot subscribes to, and why. Slash commands cannot carry files, so spray asks for a
 * log file as a reply in its report's thread; these deliver that reply. The bot ignores every
 * message that is not a file reply, in a thread it opened, from the user who asked.
 */
export const SLACK_BOT_EVENTS = {
  'message.channels': 'a file reply in a public channel',
  'message.groups': 'a file reply in a private channel',
  'message.im': 'a file reply in a direct message',
} as const;

/** HTTP mode only (Socket Mode ignores it): replace with the bot's public https address. */
export const REQUEST_URL_PLACEHOLDER = 'https://router-audit.example.com/slack/events';

/** Slack's manifest limits for a slash command. */
const MAX_DESCRIPTION = 2000;
const MAX_USAGE_HINT = 1000;
const MAX_APP_DESCRIPTION = 140;

function onSlack(list: readonly CommandSpec[]): CommandSpec[] {
  return list.filter((spec) => offeredOn(spec, 'slack'));
}

export function slashCommandName(): string {
  return commandPrefix('slack');
}

/** "Full audit: …. Also: scan, advice, help" */
export function slashCommandDescription(list: readonly CommandSpec[] = registry): string {
  const offered = onSlack(list);
  const main = offered.find((spec) => spec.name === DEFAULT_COMMAND);
  const others = offered.filter((spec) => spec !== main).map((spec) => spec.name);
  const text = `${main ? `${main.summary}. ` : ''}Also: ${others.join(', ')}`;
  return text.slice(0, MAX_DESCRIPTION);
}

/** "[scan [TARGETS…] [--timeout MS] | advice [ID] | help [COMMAND]]": what may follow the command. */
export function slashCommandUsageHint(list: readonly CommandSpec[] = registry): string {
  const prefix = `${commandPrefix('slack')} `;
  const usages = onSlack(list)
    .filter((spec) => spec.name !== DEFAULT_COMMAND)
    .map((spec) => usageOf(spec, 'slack').slice(prefix.length));
  return `[${usages.join(' | ')}]`.slice(0, MAX_USAGE_HINT);
}

export function buildManifest(list: readonly CommandSpec[] = registry): Record<string, unknown> {
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name: 'router-audit',
      description: overview(list, 'slack').summary.slice(0, MAX_APP_DESCRIPTION),
      background_color: '#1f2933',
    },
    features: {
      app_home: { home_tab_enabled: false, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: 'router-audit', always_online: false },
      slash_commands: [
        {
          command: slashCommandName(),
          url: REQUEST_URL_PLACEHOLDER,
          description: slashCommandDescription(list),
          usage_hint: slashCommandUsageHint(list),
          should_escape: false,
        },
      ],
    },
    oauth_config: { scopes: { bot: Object.keys(SLACK_BOT_SCOPES) } },
    settings: {
      // Socket Mode delivers events over the socket; HTTP mode needs a request_url here (see the header).
      event_subscriptions: { bot_events: Object.keys(SLACK_BOT_EVENTS) },
      org_deploy_enabled: false,
      socket_mode_enabled: true,
      token_rotation_enabled: false,
    },
  };
}

export const MANIFEST_FILE = 'slack-manifest.yml';

export function manifestYaml(list: readonly CommandSpec[] = registry): string {
  const scopes = Object.entries(SLACK_BOT_SCOPES).map(([scope, why]) => `#   ${scope}: ${why}`).join('\n');
  const events = Object.entries(SLACK_BOT_EVENTS).map(([event, why]) => `#   ${event}: ${why}`).join('\n');
  return [
    '# Slack app manifest for router-audit: api.slack.com/apps → Create New App → From a manifest.',
    '# Generated from the command registry by `node dist/src/bot/slack/write-manifest.js`; edit the',
    '# commands (src/commands), not the command text here. A unit test checks the two agree.',
    '# Socket Mode is on (SLACK_APP_TOKEN). For HTTP mode set socket_mode_enabled to false, put',
    '# the bot\'s public https address (path /slack/events) in the slash command url, and add the',
    '# same address as request_url under settings.event_subscriptions.',
    '# Bot scopes:',
    scopes,
    '# Bot events (spray asks for a log file as a reply in its report\'s thread; these deliver it):',
    events,
    stringify(buildManifest(list), { lineWidth: 0 }),
  ].join('\n');
}
