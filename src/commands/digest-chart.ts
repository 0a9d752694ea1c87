import type { TrendChartOptions, TrendPoint } from '../charts/trend';
import type { Logger } from '../log';
import type { ScanSummary, Store } from '../store/types';
import { formatShort } from './digest-time';

/** The trend chart attached to weekly digests and to `history`: points from the stored scans. */

export type ChartDrawer = (points: readonly TrendPoint[], options: TrendChartOptions) => Promise<Buffer>;

export const TREND_SCANS = 30;

export function trendPoints(scans: readonly ScanSummary[], timeZone: string): TrendPoint[] {
  return [...scans]
    .sort((a, b) => a.id - b.id)
    .map((scan) => ({
      label: formatShort(scan.startedAt, timeZone),
      hosts: scan.hosts,
      tplink: scan.tplink,
      critical: scan.findings.critical,
      high: scan.findings.high,
      medium: scan.findings.medium,
      low: scan.findings.low,
    }));
}

/** A PNG of the last scans of these targets, or undefined (no drawer, no scans, or drawing failed: logged). */
export async function trendChart(
  deps: { store: Store; draw: ChartDrawer | undefined; log: Logger },
  query: { targetsKey: string; timeZone: string; filename: string; title: string },
): Promise<{ filename: string; png: Buffer; alt: string } | undefined> {
  if (!deps.draw) return undefined;
  try {
    const scans = deps.store.recentScans({ targetsKey: query.targetsKey, limit: TREND_SCANS });
    if (scans.length === 0) return undefined;
    const png = await deps.draw(trendPoints(scans, query.timeZone), { title: query.title });
    const alt = `Chart: hosts, TP-Link family devices and open findings by severity over the last ${scans.length === 1 ? 'scan' : `${scans.length} scans`}`;
    return { filename: query.filename, png, alt };
  } catch (error) {
    deps.log.warn({ err: error, targets: query.targetsKey }, 'could not draw the trend chart; sending without it');
    return undefined;
  }
}
