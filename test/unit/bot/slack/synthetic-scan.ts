import type { Finding, HostRecord, ScanResult } from '../../../../src/scanner/report-types';
import { SEVERITIES } from '../../../../src/scanner/types';

/**
 * A big, hostile scan result for the Slack renderer: many hosts, many findings, and text from
 * "the network" that tries to ping everyone, break out of code blocks and overflow sections.
 */

export const HOSTILE = {
  mention: '<!channel> pwned <@U0ADMIN> <https://evil.example|click>',
  ampersand: 'R&D <b>router</b>',
  atHere: '@here look',
  fence: '```break out``` `x`',
} as const;

function ipOf(i: number): string {
  return `10.77.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

export function syntheticScan(hostCount: number, findingCount: number, options: { partial?: boolean } = {}): ScanResult {
  const hosts: HostRecord[] = Array.from({ length: hostCount }, (_, i) => ({
    ip: ipOf(i),
    mac: `14:75:90:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
    vendor: i % 3 === 0 ? 'TP-LINK TECHNOLOGIES CO.,LTD.' : i % 3 === 1 ? HOSTILE.ampersand : null,
    tplink: i % 3 === 0,
    randomizedMac: i % 3 === 2,
    gateway: i === 0,
    openPorts: i % 5 === 0 ? [23, 80, 7777, 11288] : [443],
    model: i % 7 === 0 ? HOSTILE.fence : null,
  }));
  const findings: Finding[] = Array.from({ length: findingCount }, (_, i) => ({
    id: `rule-${i}`,
    severity: SEVERITIES[i % SEVERITIES.length] ?? 'info',
    ip: ipOf(i % Math.max(hostCount, 1)),
    title: i === 0 ? `Quad7 backdoor shell ${HOSTILE.mention}` : `Finding number ${i} ${HOSTILE.atHere}`,
    evidence: i === 1 ? `banner: ${'A'.repeat(5000)}` : `TCP 7777 greets with "xlogin:" ${HOSTILE.mention}\r\nsecond line`,
    advice: ['router-isolate-reflash', 'identity-mfa'],
  }));
  return {
    targets: ['10.77.0.0/22'],
    startedAt: '2026-11-23T10:00:00.000Z',
    durationMs: 61_000,
    hosts,
    findings,
    advice: [
      { id: 'router-isolate-reflash', title: 'Isolate & reflash the router', text: 'Take it off the network, reflash the firmware.', url: 'https://example.org/reflash?a=1&b=2' },
      { id: 'identity-mfa', title: 'Require MFA', text: 'Password spray fails against MFA.', url: 'https://example.org/mfa' },
    ],
    ...(options.partial ? { partial: true } : {}),
  };
}
