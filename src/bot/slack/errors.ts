/**
 * What went wrong in a Slack call, as a short code: the platform's error ("channel_not_found"),
 * "http_404" for a response_url that answered badly, or the client's own error code. Used to pick
 * a fallback and for log lines (never the request, which carries the token).
 */

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

export function slackErrorCode(error: unknown): string {
  const platform = field(field(error, 'data'), 'error');
  if (typeof platform === 'string') return platform;
  const status = field(error, 'statusCode');
  if (typeof status === 'number') return `http_${status}`;
  const code = field(error, 'code');
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'unknown_error';
}

/** The bot cannot post in this conversation (not a member of a private channel, a DM between others). */
const CANNOT_POST_HERE = new Set(['not_in_channel', 'channel_not_found']);

/** The conversation is gone for good, as far as a scheduled post is concerned. */
const CHANNEL_GONE = new Set(['channel_not_found', 'is_archived', 'not_in_channel']);

export function cannotPostHere(error: unknown): boolean {
  return CANNOT_POST_HERE.has(slackErrorCode(error));
}

export function channelGone(error: unknown): boolean {
  return CHANNEL_GONE.has(slackErrorCode(error));
}

/** A log-safe description: the code and the message (the logger scrubs tokens from messages too). */
export function describeError(error: unknown): { code: string; message: string } {
  return { code: slackErrorCode(error), message: error instanceof Error ? error.message : String(error) };
}
