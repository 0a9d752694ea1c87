/**
 * Names shared by the bot and the agents: what a site may be called, and the Redis keys and
 * BullMQ queue each site uses. Everything lives under one prefix so a shared Redis can be fenced
 * with an ACL key pattern (`~router-audit:*`).
 */

export const KEY_PREFIX = 'router-audit';

/** lower-case letters, digits, "-" and "_", starting with a letter or digit; at most 32 */
const SITE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export class SiteNameError extends Error {
  override name = 'SiteNameError';
}

export function isSiteName(text: string): boolean {
  return SITE_NAME.test(text);
}

/** Normalises a user-given site name (case-insensitive) or throws a message saying what is allowed. */
export function parseSiteName(text: string): string {
  const name = text.trim().toLowerCase();
  if (!isSiteName(name)) {
    throw new SiteNameError(
      `"${text}" is not a site name: use up to 32 lower-case letters, digits, "-" or "_" (for example berlin or office-2)`,
    );
  }
  return name;
}

/** BullMQ queue of a site's scan jobs (BullMQ adds its own prefix: `router-audit:scans-berlin:…`). */
export function queueNameOf(site: string): string {
  return `scans-${site}`;
}

/** One hash for every agent record: field `site/agent` → JSON. */
export const AGENTS_KEY = `${KEY_PREFIX}:agents`;

export function agentField(site: string, agent: string): string {
  return `${site}/${agent}`;
}

/** Exists while the agent is alive: it expires unless the agent's heartbeat renews it (Redis clock). */
export function aliveKey(site: string, agent: string): string {
  return `${KEY_PREFIX}:alive:${site}/${agent}`;
}

/** Set by the bot to ask the agent running this job to stop and hand back what it has. */
export function cancelKey(jobId: string): string {
  return `${KEY_PREFIX}:cancel:${jobId}`;
}
