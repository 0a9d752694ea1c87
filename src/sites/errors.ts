/**
 * Why a site scan did not produce a result. Each message names the site and says what to do;
 * the command layer turns them into reports (a refusal privately, the rest in the channel).
 */

export type SiteFailureKind = 'no-agent' | 'unknown-site' | 'refused' | 'failed' | 'queue-down' | 'choose-site';

export class SiteError extends Error {
  override name = 'SiteError';
  constructor(readonly kind: SiteFailureKind, readonly site: string | null, message: string) {
    super(message);
  }
}

/** Tags the agent puts in front of a failure reason, so the bot can tell a refusal from a crash. */
export const REASON_TAGS = { refused: '[refused] ', invalid: '[invalid] ', expired: '[expired] ', cancelled: '[cancelled] ' } as const;

/** BullMQ's reason for a job that stalled more often than maxStalledCount allows. */
export const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';
