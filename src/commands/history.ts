import { StoreError, targetsKeyOf, type ScanSummary, type Store } from '../store/types';
import { trendChart } from './digest-chart';
import { diffScans } from './digest-diff';
import { diffSummary } from './digest-report';
import { historyOffReport, storeFailureReport } from './digest-services';
import { formatShort } from './digest-time';
import type { Attachment, Report, Section } from './report';
import { checkTargets } from './site-targets';
import { commandPrefix } from './usage';
import type { CommandSpec } from './types';

/** `history [TARGET…]`: the recent scans with their counts, what changed from the one before, and a trend chart. */

export const HISTORY_ROWS = 10;

function findingCounts(scan: ScanSummary): string {
  const f = scan.findings;
  const parts = [
    f.critical ? `${f.critical} critical` : '',
    f.high ? `${f.high} high` : '',
    f.medium ? `${f.medium} medium` : '',
    f.low ? `${f.low} low` : '',
  ].filter(Boolean);
  return parts.join(', ') || 'none';
}

/** What changed since the previous scan of the same targets, as a short phrase. */
export function changeSincePrevious(store: Store, scan: ScanSummary): string {
  const previous = store.previousScan({ targetsKey: scan.targetsKey, beforeId: scan.id });
  if (!previous) return 'first scan';
  const current = store.scan(scan.id);
  if (!current) return '-';
  return diffSummary(diffScans(previous.result, current.result)) + (scan.partial ? ' (partial scan)' : '');
}

export const historyCommand: CommandSpec = {
  name: 'history',
  summary: 'Recent scans with their counts and what changed, with a trend chart',
  details:
    'Lists the most recent scans (of these targets, or of any), each with hosts, TP-Link family devices, findings by severity ' +
    'and what changed from the scan before it, and attaches a chart of the trend. Scans are kept for HISTORY_DAYS days.',
  examples: ['history', 'history 10.20.0.0/24'],
  args: [{ name: 'targets', description: 'only scans of exactly these targets', variadic: true }],
  options: [],
  access: 'scan',
  // The one-shot CLI keeps no history (see AppOptions.history); the running bot does.
  surfaces: ['terminal', 'slack', 'discord'],
  async run(input, ctx) {
    const history = ctx.services.history;
    if (!history?.store) return historyOffReport(history?.problem ?? null);
    const store = history.store;
    const zone = history.defaultTimeZone;
    const wanted = (input.args.targets as string[] | undefined) ?? [];
    const checked = wanted.length > 0 ? checkTargets(wanted, ctx) : null;
    // `history site:berlin` lists that site's scans; networks narrow it to scans of exactly those.
    const targetsKey = checked && checked.networks.length > 0 ? targetsKeyOf(checked.networks) : undefined;
    const site = checked?.site ?? undefined;
    try {
      const scans = store.recentScans({ ...(targetsKey !== undefined ? { targetsKey } : {}), ...(site ? { site } : {}), limit: HISTORY_ROWS });
      const about = checked ? ` of ${checked.targets.join(', ')}` : '';
      if (scans.length === 0) {
        const text =
          `No scans${about} are kept yet. Run ${commandPrefix(ctx.surface)} scan TARGET…; ` +
          `scans are kept for ${ctx.services.config.store.historyDays} days (HISTORY_DAYS).`;
        return { title: `Scan history${about}`, tone: 'neutral', summary: text, sections: [{ kind: 'text', text }], attachments: [], outcome: 'ok' };
      }
      const rows = scans.map((scan) => [
        formatShort(scan.startedAt, zone),
        scan.targets.join(', '),
        String(scan.hosts),
        String(scan.tplink),
        findingCounts(scan),
        changeSincePrevious(store, scan),
      ]);
      const chartKey = targetsKey ?? scans[0]?.targetsKey ?? '';
      const chart = await trendChart(
        { store, draw: history.draw, log: ctx.services.log },
        { targetsKey: chartKey, timeZone: zone, filename: 'history-trend.png', title: `Trend of ${chartKey.split(',').join(', ')}` },
      );
      const sections: Section[] = [
        { kind: 'table', columns: ['When', 'Targets', 'Hosts', 'TP-Link', 'Findings', 'What changed'], rows },
      ];
      const attachments: Attachment[] = [];
      if (chart) {
        sections.push({ kind: 'image', heading: 'Trend', attachment: chart.filename, alt: chart.alt });
        attachments.push({ filename: chart.filename, contentType: 'image/png', data: chart.png, description: chart.alt });
      }
      const report: Report = {
        title: `Scan history${about}`,
        tone: 'neutral',
        summary: `The ${scans.length === 1 ? 'latest scan' : `${scans.length} latest scans`}${about} (times in ${zone})`,
        sections,
        attachments,
        outcome: 'ok',
        json: { scans },
      };
      return report;
    } catch (error) {
      if (error instanceof StoreError) {
        ctx.services.log.error({ err: error }, 'history store failed');
        return storeFailureReport(error);
      }
      throw error;
    }
  },
};
