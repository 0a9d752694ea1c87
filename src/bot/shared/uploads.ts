import type { Dispatcher } from '../../commands/dispatch';
import { messageReport, type Report } from '../../commands/report';
import type { Caller, Surface } from '../../commands/types';
import type { AccessCheck } from './access';
import { DownloadError, formatBytes } from './download';

/**
 * What both chat adapters say about files users send (the spray command's log uploads): the limit,
 * refusals, and failed downloads. The limit comes from SPRAY_MAX_UPLOAD_MB (config.spray.maxUploadBytes).
 */

export const UPLOAD_LIMIT_VARIABLE = 'SPRAY_MAX_UPLOAD_MB';

/** At most this many files from one Slack reply are read; the rest are named as skipped. */
export const MAX_FILES_PER_REPLY = 3;

export interface UploadSettings {
  maxBytes: number;
  /** where per-command temp directories are made; default the OS temp dir */
  tempRoot?: string;
  /** the whole download of one file; default 10 minutes */
  timeoutMs?: number;
  /** no byte for this long; default 30 s */
  idleTimeoutMs?: number;
}

const ADVICE = `Compress it with gzip (the bot reads .gz) or cut it to the days you need, or ask the bot's admin to raise ${UPLOAD_LIMIT_VARIABLE}.`;

/** The refusal for a file whose declared size is over the limit: nothing was downloaded. */
export function tooLargeText(name: string, size: number, maxBytes: number): string {
  return `"${name}" is ${formatBytes(size)}, over this bot's limit of ${formatBytes(maxBytes)} for log files (${UPLOAD_LIMIT_VARIABLE}). Nothing was downloaded or analysed. ${ADVICE}`;
}

/** Why a file the bot tried to fetch is not being analysed. */
export function downloadFailedText(name: string, error: unknown, maxBytes: number): string {
  if (error instanceof DownloadError && error.problem === 'too-large') {
    return error.received > 0
      ? `"${name}" turned out larger than this bot's limit of ${formatBytes(maxBytes)} for log files (${UPLOAD_LIMIT_VARIABLE}) while it was downloading: the download was stopped, the part received deleted, and nothing was analysed. ${ADVICE}`
      : `"${name}" is over this bot's limit of ${formatBytes(maxBytes)} for log files (${UPLOAD_LIMIT_VARIABLE}). Nothing was downloaded or analysed. ${ADVICE}`;
  }
  const why = error instanceof DownloadError ? error.message : 'the download failed';
  return `Could not fetch "${name}": ${why}. Nothing was analysed; try sending it again.`;
}

/** A private refusal as a report (chat adapters answer it ephemerally). */
export function uploadRefusal(text: string, options: { ephemeral?: boolean } = {}): Report {
  return messageReport('Log file not read', text, 'refused', { ephemeral: options.ephemeral ?? true });
}

/**
 * Whether `input` is a command that reads files and this caller may run it. Only then is anything
 * downloaded: a refused caller or a usage error gets the dispatcher's answer without a fetch.
 */
export function mayReadFiles(dispatcher: Dispatcher, input: string | readonly string[], surface: Surface, authorize: AccessCheck, caller: Caller): boolean {
  const parsed = dispatcher.parse(input, surface);
  if (parsed.kind !== 'command' || !parsed.spec.files) return false;
  return parsed.spec.access === 'open' || authorize(parsed.spec, caller) === null;
}
