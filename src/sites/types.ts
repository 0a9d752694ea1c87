import type { Report } from '../commands/report';
import type { ScanResult } from '../scanner/report-types';
import type { SiteStatus } from './directory';

/** What commands see of the sites (src/commands/types.ts Services.sites; present when REDIS_URL is set). */
export interface SitesService {
  /**
   * Runs `scan [site:NAME|site:*] [TARGET…]` through the site agents: one site, or a fan-out with a
   * combined report (a section per site). Throws TargetError / UsageError-like errors for bad input.
   */
  scan(specs: readonly string[], request: SiteScanRequest): Promise<SiteScanOutcome>;
  /** every known site with its agents, for `/router-audit sites` */
  list(): Promise<SiteStatus[]>;
  /** "10:42" / "3 Mar 10:42" in the bot's time zone */
  clock(ms: number): string;
}

export interface SiteScanRequest {
  requester: string;
  timeoutMs: number;
  progress: (text: string) => void;
  /** not counted against the rate limit (scheduled digests) */
  unlimited?: boolean;
}

export interface SiteScanOutcome {
  /** every site's result merged (hosts and findings carry `site`); what digests and history store */
  result: ScanResult;
  joined: boolean;
  report: Report;
}

/** True for `site:berlin`, `site:*` (case-insensitive `site:`). */
export function isSiteToken(token: string): boolean {
  return /^site:/i.test(token.trim());
}
