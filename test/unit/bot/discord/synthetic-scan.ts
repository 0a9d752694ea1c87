import { loadContent } from '../../../../src/content/load';
import type { Finding, HostRecord, ScanResult } from '../../../../src/scanner/report-types';
import { SEVERITIES } from '../../../../src/scanner/types';

/**
 * A large scan result built in memory (no network): `hosts` hosts in 10.77.0.0/22 and `findings`
 * findings cycling through every severity, with hostile text in banners and models so renderers
 * must escape it. Advice comes from the real content catalog.
 */

export const HOSTILE_MODEL = '**Archer** @everyone <@&123> [click](http://evil.example/x) ```';
export const HOSTILE_EVIDENCE = 'TCP 7777 greets with "xlogin: ||spoiler|| # Heading\n> quote `tick` http://phish.example/login"';

export function syntheticScan(hostCount: number, findingCount: number): ScanResult {
  const hosts: HostRecord[] = Array.from({ length: hostCount }, (_, i) => ({
    ip: `10.77.${Math.floor(i / 250)}.${(i % 250) + 2}`,
    mac: `02:00:00:00:${(Math.floor(i / 256) % 256).toString(16).padStart(2, '0')}:${(i % 256).toString(16).padStart(2, '0')}`,
    vendor: i % 3 === 0 ? 'TP-LINK TECHNOLOGIES CO.,LTD.' : 'Intel Corporate',
    tplink: i % 3 === 0,
    randomizedMac: false,
    gateway: i === 0,
    openPorts: i % 3 === 0 ? [80, 7777] : [22],
    model: i % 3 === 0 ? HOSTILE_MODEL : null,
  }));
  const findings: Finding[] = Array.from({ length: findingCount }, (_, i) => ({
    id: `rule-${i}`,
    severity: SEVERITIES[i % SEVERITIES.length] ?? 'info',
    ip: hosts[(i * 3) % Math.max(hosts.length, 1)]?.ip ?? '10.77.0.2',
    title: `Finding number ${i} on a device`,
    evidence: HOSTILE_EVIDENCE,
    advice: ['router-isolate-reflash', 'router-firmware-update'],
  }));
  const advice = loadContent().advice.map(({ id, title, text, url }) => ({ id, title, text, url }));
  return {
    targets: ['10.77.0.0/22'],
    startedAt: new Date(0).toISOString(),
    durationMs: 12_345,
    hosts,
    findings,
    advice,
  };
}
