import type { ScanResult } from '../scanner/report-types';
import { severityRank } from '../scanner/types';
import { loadSprayContent, type SprayContent } from './content';
import { toFinding, type FindingDraft } from './findings';
import { SOURCE_INDEX, type SprayFinding, type SprayReport } from './types';

/**
 * One report, both halves: joins the spray analysis to a LAN scan.
 *
 * What a "site" is here: the LAN the scan covered. A sign-in comes "from the site" when its
 * source address is a host the scan found (on-premises logs such as Windows and sshd record LAN
 * addresses) or one of the site's public egress addresses given in `siteAddresses` (Entra and
 * M365 record the public address, which a LAN scan cannot see; take it from configuration).
 * The site's router "shows Quad7 signs" when the scan has a finding whose id matches
 * correlation.quad7FindingPattern at or above correlation.minSeverity (spray.yaml).
 */

export interface CorrelateOptions {
  /** the site's public (NAT egress) addresses, as sign-in logs record them */
  siteAddresses?: string[];
  contentDir?: string;
}

const ATTACK_IDS = new Set(['spray-single-source', 'spray-distributed', 'spray-brute-force', 'spray-enumeration', 'spray-lockout-burst']);

interface SourceFacts {
  attacks: Set<string>;
  first: number;
  last: number;
  passwordRight: number;
  sampleAccounts: string[];
}

/**
 * What the spray report knows about the sources that matter here: the attack sources and the
 * candidate addresses (LAN hosts, site addresses). From the hidden index when present, else from
 * the findings (a report read back from JSON).
 */
function factsBySource(spray: SprayReport, candidates: Iterable<string>): Map<string, SourceFacts> {
  const facts = new Map<string, SourceFacts>();
  const index = spray[SOURCE_INDEX];
  if (index) {
    for (const source of [...index.attacked(), ...candidates]) {
      if (facts.has(source)) continue;
      const totals = index.get(source);
      if (!totals) continue;
      facts.set(source, {
        attacks: new Set(totals.attacks),
        first: totals.first,
        last: totals.last,
        passwordRight: totals.passwordRight,
        sampleAccounts: totals.sampleAccounts,
      });
    }
    return facts;
  }
  for (const finding of spray.findings) {
    const start = Date.parse(finding.window.start);
    const end = Date.parse(finding.window.end);
    for (const source of finding.sources) {
      const entry = facts.get(source) ?? { attacks: new Set<string>(), first: start, last: end, passwordRight: 0, sampleAccounts: [] };
      if (ATTACK_IDS.has(finding.id)) entry.attacks.add(finding.id);
      if (finding.id === 'spray-success-after-spray') {
        entry.passwordRight += finding.sourceCounts[source] ?? 1;
        entry.sampleAccounts.push(...finding.accounts.slice(0, 3 - entry.sampleAccounts.length));
      }
      entry.first = Math.min(entry.first, start);
      entry.last = Math.max(entry.last, end);
      facts.set(source, entry);
    }
  }
  return facts;
}

function describeHost(host: ScanResult['hosts'][number]): string {
  const parts = [host.vendor ?? 'unknown vendor'];
  if (host.model) parts.push(host.model);
  if (host.gateway) parts.push('the gateway');
  return parts.join(', ');
}

export function correlateWithScan(spray: SprayReport, scan: ScanResult, options: CorrelateOptions = {}): SprayFinding[] {
  const content: SprayContent = loadSprayContent(options.contentDir);
  const { quad7FindingPattern, minSeverity } = content.file.correlation;
  const quad7Pattern = new RegExp(quad7FindingPattern);
  const quad7 = scan.findings.filter((f) => quad7Pattern.test(f.id) && severityRank(f.severity) <= severityRank(minSeverity));
  const quad7Routers = [...new Set(quad7.map((f) => f.ip))];
  const hosts = new Map(scan.hosts.map((host) => [host.ip, host]));
  const facts = factsBySource(spray, [...hosts.keys(), ...(options.siteAddresses ?? [])]);
  const drafts: FindingDraft[] = [];

  // 1. A spraying address is a device on this LAN.
  for (const [source, fact] of facts) {
    const host = hosts.get(source);
    if (!host || fact.attacks.size === 0) continue;
    const signs = quad7.filter((f) => f.ip === source);
    drafts.push({
      id: 'spray-source-on-lan',
      ip: source,
      start: fact.first,
      end: fact.last,
      sourceCounts: new Map([[source, 1]]),
      accounts: [],
      evidence: `The logs show ${source} in ${[...fact.attacks].join(', ')}, and the LAN scan found ${source} (${describeHost(host)}`
        + `${host.mac ? `, MAC ${host.mac}` : ''}). `
        + (signs.length > 0
          ? `The scan also found Quad7 signs on it: ${signs.map((f) => f.title).join('; ')}. It is very likely relaying the attack.`
          : 'A device on your own network is attacking sign-ins: find out what runs on it.'),
      samples: [],
      families: 0,
      legacy: false,
      vars: { source, lanHost: describeHost(host) },
    });
  }

  // 2. Sign-ins that worked from a site whose router shows Quad7 signs.
  if (quad7Routers.length > 0) {
    const site = new Set<string>([...hosts.keys(), ...(options.siteAddresses ?? [])]);
    const router = quad7Routers.join(', ');
    for (const address of site) {
      const fact = facts.get(address);
      if (!fact || fact.passwordRight === 0) continue;
      const where = hosts.has(address) ? 'a host on the scanned LAN' : 'the site\'s public address';
      drafts.push({
        id: 'spray-signin-from-quad7-site',
        ip: address,
        start: fact.first,
        end: fact.last,
        sourceCounts: new Map([[address, fact.passwordRight]]),
        accounts: fact.sampleAccounts,
        evidence: `${fact.passwordRight} sign-in${fact.passwordRight === 1 ? '' : 's'} with the right password came from ${address} (${where}), `
          + `and the router at ${router} shows Quad7 signs (${quad7.map((f) => f.id).join(', ')}). `
          + 'Quad7 relays password sprays through infected routers, so sign-ins from this address may be the attacker\'s, not your users\'. '
          + 'Confirm each with its user; reset the password and revoke sessions where one is not theirs.',
        samples: [],
        families: 0,
        legacy: false,
        vars: { source: address, router },
      });
    }
  }
  return drafts.map((draft) => toFinding(draft, content));
}
