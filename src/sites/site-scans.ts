import { UsageError } from '../commands/errors';
import { plural } from '../commands/format';
import { progressLine } from '../commands/scan';
import type { ScanCoordinator, ScanProgressInfo } from '../commands/scan-coordinator';
import type { SiteStatus } from './directory';
import { SiteError } from './errors';
import type { SiteHub } from './hub';
import { parseSiteName, SiteNameError } from './names';
import { combinedReport, mergeResults, siteFailureReport, singleSiteReport, type SiteOutcome } from './report';
import { formatClock } from './time';
import { isSiteToken, type SiteScanOutcome, type SiteScanRequest, type SitesService } from './types';

/**
 * `scan site:berlin 10.20.0.0/24`, `scan site:*`: picks the sites, checks the targets against the
 * bot's own SCAN_ALLOW (each agent checks again against its own), runs one coordinated scan per
 * site (joined, rate-limited once per request) and builds the report.
 */

export interface SiteTargets {
  sites: string[];
  all: boolean;
  targets: string[];
}

/** Splits `site:NAME` / `site:*` tokens from network targets. Throws UsageError for a bad name. */
export function splitSiteTargets(specs: readonly string[]): SiteTargets {
  const sites: string[] = [];
  const targets: string[] = [];
  let all = false;
  for (const spec of specs) {
    if (!isSiteToken(spec)) {
      targets.push(spec);
      continue;
    }
    const name = spec.trim().slice('site:'.length);
    if (name === '*') {
      all = true;
      continue;
    }
    try {
      const site = parseSiteName(name);
      if (!sites.includes(site)) sites.push(site);
    } catch (error) {
      throw new UsageError(error instanceof SiteNameError ? error.message : String(error));
    }
  }
  return { sites, all, targets };
}

export class SiteScans implements SitesService {
  constructor(
    private readonly hub: SiteHub,
    private readonly scans: ScanCoordinator,
    private readonly timeZone: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  clock(ms: number): string {
    return formatClock(ms, this.now().getTime(), this.timeZone);
  }

  list(): Promise<SiteStatus[]> {
    return this.hub.bounded((directory) => directory.sites(this.now().getTime()));
  }

  async scan(specs: readonly string[], request: SiteScanRequest): Promise<SiteScanOutcome> {
    const wanted = splitSiteTargets(specs);
    let sites: string[];
    try {
      sites = await this.chooseSites(wanted);
    } catch (error) {
      if (error instanceof SiteError) return this.failedBeforeStart(error);
      throw error;
    }
    // The bot's own fence first (throws TargetError); each agent applies its own afterwards.
    if (wanted.targets.length > 0) this.scans.plan(wanted.targets);
    if (!request.unlimited) this.scans.takeRateToken(request.requester);

    const progress = new FanOutProgress(sites, wanted.targets, request.progress);
    progress.start();
    const settled = await Promise.allSettled(sites.map((site) => this.scans.scan(wanted.targets, {
      requester: request.requester,
      timeoutMs: request.timeoutMs,
      site,
      unlimited: true,
      onProgress: (p) => progress.update(site, p),
    })));
    const outcomes: SiteOutcome[] = [];
    let joined = false;
    settled.forEach((entry, index) => {
      const site = sites[index] ?? '?';
      if (entry.status === 'fulfilled') {
        joined ||= entry.value.joined;
        outcomes.push({ site, result: entry.value.result });
      } else if (entry.reason instanceof SiteError) {
        outcomes.push({ site, error: entry.reason });
      } else {
        throw entry.reason;
      }
    });

    const result = mergeResults(outcomes, this.now);
    const only = outcomes.length === 1 ? outcomes[0] : undefined;
    if (only) {
      if (only.error || !only.result) return { result, joined, report: siteFailureReport(only.error ?? new SiteError('failed', only.site, `No result from ${only.site}.`)) };
      const report = singleSiteReport(only.site, only.result);
      if (joined) report.sections.unshift({ kind: 'text', text: 'A scan of these targets was already running at this site; this is its report.' });
      return { result, joined, report };
    }
    return { result, joined, report: combinedReport(outcomes, this.now) };
  }

  private failedBeforeStart(error: SiteError): SiteScanOutcome {
    const result = mergeResults([], this.now);
    return { result, joined: false, report: siteFailureReport(error) };
  }

  private async chooseSites(wanted: SiteTargets): Promise<string[]> {
    const known = (await this.list()).map((status) => status.site);
    if (wanted.all) {
      if (known.length === 0) throw new SiteError('choose-site', null, 'No site agent has registered yet, so site:* has nothing to scan. Start one inside each network: router-audit agent --site NAME');
      return [...new Set([...known, ...wanted.sites])];
    }
    if (wanted.sites.length > 0) return wanted.sites;
    if (known.length === 1 && known[0]) return [known[0]];
    if (known.length === 0) throw new SiteError('choose-site', null, 'No site agent has registered yet. Start one inside the network to scan: router-audit agent --site NAME');
    // With no targets either (the full audit), every site; with targets, which site's 10.x is meant is unclear.
    if (wanted.targets.length === 0) return known;
    throw new SiteError('choose-site', null, `This bot scans through ${plural(known.length, 'site')} (${known.join(', ')}). Say which: scan site:${known[0] ?? 'NAME'} ${wanted.targets.join(' ')}, or site:* for all of them.`);
  }
}

/** One status line for a scan at one or many sites. */
class FanOutProgress {
  private readonly state = new Map<string, string>();

  constructor(private readonly sites: readonly string[], private readonly targets: readonly string[], private readonly emit: (text: string) => void) {}

  start(): void {
    for (const site of this.sites) this.state.set(site, 'asking its agent');
    this.flush();
  }

  update(site: string, progress: ScanProgressInfo): void {
    this.state.set(site, describe(progress, this.sites.length === 1 ? this.targets.join(', ') || 'its networks' : null));
    this.flush();
  }

  private flush(): void {
    this.emit(this.sites.map((site) => `${site}: ${this.state.get(site) ?? ''}`).join(' · '));
  }
}

function describe(progress: ScanProgressInfo, label: string | null): string {
  switch (progress.phase) {
    case 'queued': return 'queued for its agent';
    case 'retrying': return 'its agent stopped mid-scan; the job is being retried';
    case 'accepted': return `agent started (${plural(progress.addressesTotal, 'address', 'addresses')})`;
    case 'done': return `done, ${plural(progress.hostsFound, 'host')}`;
    default:
      return label !== null ? progressLine(label, progress) : `${plural(progress.hostsFound, 'host')} found, ${progress.hostsInspected} inspected`;
  }
}
