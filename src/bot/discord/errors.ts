import { DiscordAPIError, HTTPError, RESTJSONErrorCodes } from 'discord.js';

/**
 * Discord errors as log fields. Interaction and webhook URLs carry the interaction token (a
 * credential for 15 minutes), so paths are logged with the token cut out; the bot token never
 * appears in a URL, and error messages are Discord's own text.
 */

export function redactPath(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // already a path
  }
  return path
    .replace(/(\/interactions\/\d+\/)[^/?]+/, '$1:token')
    .replace(/(\/webhooks\/\d+\/)[^/?]+/, '$1:token');
}

export interface DiscordErrorFields {
  error: string;
  message: string;
  code?: number | string;
  status?: number;
  method?: string;
  path?: string;
}

export function describeDiscordError(error: unknown): DiscordErrorFields {
  if (error instanceof DiscordAPIError) {
    return { error: error.name, message: error.message, code: error.code, status: error.status, method: error.method, path: redactPath(error.url) };
  }
  if (error instanceof HTTPError) {
    return { error: error.name, message: error.message, status: error.status, method: error.method, path: redactPath(error.url) };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { error: error.name, message: error.message, ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}) };
  }
  return { error: 'unknown', message: String(error) };
}

export function discordCode(error: unknown): number | string | undefined {
  return error instanceof DiscordAPIError ? error.code : undefined;
}

/** The channel no longer exists, or the bot was removed from it or its server. */
export function isChannelGone(error: unknown): boolean {
  const code = discordCode(error);
  return code === RESTJSONErrorCodes.UnknownChannel || code === RESTJSONErrorCodes.MissingAccess;
}

/** The interaction's 15 minutes are over: its reply can no longer be edited. */
export function isInteractionExpired(error: unknown): boolean {
  const code = discordCode(error);
  return code === RESTJSONErrorCodes.InvalidWebhookToken || code === RESTJSONErrorCodes.UnknownWebhook || code === RESTJSONErrorCodes.UnknownInteraction;
}
