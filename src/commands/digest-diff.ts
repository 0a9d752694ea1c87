import { compareIp } from '../scanner/targets';
import type { Finding, HostRecord, ScanResult } from '../scanner/report-types';
import { severityRank } from '../scanner/types';

/**
 * What changed between two scans of the same networks. Hosts are matched by address, findings by
 * (finding id, address). Pure: no clock, no store, no formatting beyond the change descriptions.
 */

export interface HostChange {
  ip: string;
  before: HostRecord;
  after: HostRecord;
  /** one phrase per change: "MAC a → b", "vendor a → b", "ports opened 7777", "ports closed 80" */
  changes: string[];
}

export interface ScanDiff {
  newHosts: HostRecord[];
  goneHosts: HostRecord[];
  changedHosts: HostChange[];
  /** TP-Link family devices that were not there before, or were not recognised as TP-Link */
  newTplink: HostRecord[];
  openedFindings: Finding[];
  resolvedFindings: Finding[];
  /**
   * The newer scan was cut short: hosts it did not reach are not called gone, and findings are
   * only called resolved on hosts it did reach.
   */
  partial: boolean;
}

const byIp = (a: HostRecord, b: HostRecord): number => compareIp(a.ip, b.ip);
const byFinding = (a: Finding, b: Finding): number => severityRank(a.severity) - severityRank(b.severity) || compareIp(a.ip, b.ip) || a.id.localeCompare(b.id);
const findingKey = (f: Finding): string => `${f.id} ${f.ip}`;
const show = (value: string | null): string => value ?? 'none';

export function hostChanges(before: HostRecord, after: HostRecord): string[] {
  const changes: string[] = [];
  if (before.mac !== after.mac) changes.push(`MAC ${show(before.mac)} → ${show(after.mac)}`);
  if (before.vendor !== after.vendor) changes.push(`vendor ${show(before.vendor)} → ${show(after.vendor)}`);
  const was = new Set(before.openPorts);
  const now = new Set(after.openPorts);
  const opened = after.openPorts.filter((p) => !was.has(p)).sort((a, b) => a - b);
  const closed = before.openPorts.filter((p) => !now.has(p)).sort((a, b) => a - b);
  if (opened.length > 0) changes.push(`ports opened ${opened.join(', ')}`);
  if (closed.length > 0) changes.push(`ports closed ${closed.join(', ')}`);
  return changes;
}

export function diffScans(before: ScanResult, after: ScanResult): ScanDiff {
  const partial = after.partial === true;
  const old = new Map(before.hosts.map((h) => [h.ip, h]));
  const current = new Map(after.hosts.map((h) => [h.ip, h]));

  const newHosts = after.hosts.filter((h) => !old.has(h.ip)).sort(byIp);
  const goneHosts = partial ? [] : before.hosts.filter((h) => !current.has(h.ip)).sort(byIp);
  const changedHosts: HostChange[] = [];
  for (const host of [...after.hosts].sort(byIp)) {
    const previous = old.get(host.ip);
    if (!previous) continue;
    const changes = hostChanges(previous, host);
    if (changes.length > 0) changedHosts.push({ ip: host.ip, before: previous, after: host, changes });
  }
  const newTplink = after.hosts.filter((h) => h.tplink && !old.get(h.ip)?.tplink).sort(byIp);

  const oldFindings = new Set(before.findings.map(findingKey));
  const newFindings = new Set(after.findings.map(findingKey));
  const openedFindings = after.findings.filter((f) => !oldFindings.has(findingKey(f))).sort(byFinding);
  const resolvedFindings = before.findings
    .filter((f) => !newFindings.has(findingKey(f)) && (!partial || current.has(f.ip)))
    .sort(byFinding);

  return { newHosts, goneHosts, changedHosts, newTplink, openedFindings, resolvedFindings, partial };
}

export function isUnchanged(diff: ScanDiff): boolean {
  return (
    diff.newHosts.length === 0 && diff.goneHosts.length === 0 && diff.changedHosts.length === 0 &&
    diff.newTplink.length === 0 && diff.openedFindings.length === 0 && diff.resolvedFindings.length === 0
  );
}
