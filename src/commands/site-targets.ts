import { splitSiteTargets } from '../sites/site-scans';
import { UsageError } from './errors';
import type { CommandContext } from './types';

/**
 * Targets of commands that keep them for later (digests) or look them up (history): networks are
 * checked against the allowlist now, `site:NAME` / `site:*` only where the bot has site agents.
 */
export interface CheckedTargets {
  /** canonical: site tokens first, then the networks as the planner spells them */
  targets: string[];
  /** the one site named, when exactly one is */
  site: string | null;
  networks: string[];
}

export function checkTargets(specs: readonly string[], ctx: CommandContext): CheckedTargets {
  const { sites, all, targets } = splitSiteTargets(specs);
  const usesSites = all || sites.length > 0;
  if (usesSites && !ctx.services.sites) {
    throw new UsageError(`${specs.find((s) => s.startsWith('site:'))}: site targets need site agents, and this bot has none (REDIS_URL is not set).`);
  }
  const networks = targets.length > 0 ? ctx.services.scans.plan(targets).targets : [];
  return {
    targets: [...(all ? ['site:*'] : []), ...sites.map((site) => `site:${site}`), ...networks],
    site: !all && sites.length === 1 ? (sites[0] ?? null) : null,
    networks,
  };
}
