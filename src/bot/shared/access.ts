import type { AccessList } from '../../config/env';
import type { Caller, CommandSpec } from '../../commands/types';

/**
 * Who may run scans from chat, from the environment (comma-separated ids, `*` for all). Unset
 * means everyone; startup warns about it. help and advice are open to all (the dispatcher never
 * asks about "open" commands).
 */

export type AccessCheck = (spec: CommandSpec, caller: Caller) => string | null;

function listed(list: AccessList, id: string | undefined): boolean {
  if (list === null || list === '*') return true;
  return id !== undefined && list.includes(id);
}

export interface SlackAccess {
  allowedUsers: AccessList;
  allowedChannels: AccessList;
}

export function slackAccess(rules: SlackAccess): AccessCheck {
  return (_spec, caller) => {
    if (!listed(rules.allowedUsers, caller.userId)) {
      return 'You are not on the list of people who may run scans with this bot (SLACK_ALLOWED_USERS). Ask the bot\'s admin to add you. help and advice work for everyone.';
    }
    if (!listed(rules.allowedChannels, caller.channelId)) {
      return 'Scans are not allowed in this channel (SLACK_ALLOWED_CHANNELS). Ask the bot\'s admin which channel to use. help and advice work everywhere.';
    }
    return null;
  };
}

export interface DiscordAccess {
  allowedRoles: AccessList;
  allowedChannels: AccessList;
}

export function discordAccess(rules: DiscordAccess): AccessCheck {
  return (_spec, caller) => {
    const roles = caller.roles ?? [];
    const roleOk = rules.allowedRoles === null || rules.allowedRoles === '*' || roles.some((role) => (rules.allowedRoles as string[]).includes(role));
    if (!roleOk) {
      return 'You do not have a role that may run scans with this bot (DISCORD_ALLOWED_ROLES). Ask a server admin. help and advice work for everyone.';
    }
    if (!listed(rules.allowedChannels, caller.channelId)) {
      return 'Scans are not allowed in this channel (DISCORD_ALLOWED_CHANNELS). Ask a server admin which channel to use. help and advice work everywhere.';
    }
    return null;
  };
}

/** The startup warnings for open access: "unset means everyone may scan". */
export function openAccessWarnings(platform: 'Slack' | 'Discord', lists: Record<string, AccessList>): string[] {
  const unset = Object.entries(lists).filter(([, list]) => list === null).map(([name]) => name);
  if (unset.length === Object.keys(lists).length) {
    return [`${platform}: ${unset.join(' and ')} are not set, so everyone who can reach the bot may run scans`];
  }
  return [];
}
