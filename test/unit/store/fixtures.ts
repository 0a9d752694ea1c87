import type { Finding, HostRecord, ScanResult } from '../../../src/scanner/report-types';

/** Small scan results for store, diff and digest tests. */

export function host(ip: string, extra: Partial<HostRecord> = {}): HostRecord {
  const last = Number(ip.split('.').pop());
  return {
    ip,
    mac: `00:06:5b:00:00:${last.toString(16).padStart(2, '0')}`,
    vendor: 'Dell Inc.',
    tplink: false,
    randomizedMac: false,
    gateway: false,
    openPorts: [],
    model: null,
    ...extra,
  };
}

export function tplinkHost(ip: string, extra: Partial<HostRecord> = {}): HostRecord {
  const last = Number(ip.split('.').pop());
  return host(ip, { mac: `00:0a:eb:00:00:${last.toString(16).padStart(2, '0')}`, vendor: 'TP-LINK TECHNOLOGIES CO.,LTD.', tplink: true, ...extra });
}

export function finding(id: string, ip: string, severity: Finding['severity'], title = `${id} on ${ip}`): Finding {
  return { id, severity, ip, title, evidence: `evidence of ${id}`, advice: ['router-firmware-update'] };
}

export function scanOf(hosts: HostRecord[], findings: Finding[] = [], extra: Partial<ScanResult> = {}): ScanResult {
  return {
    targets: ['10.20.0.0/24'],
    startedAt: '2025-06-01T08:00:00.000Z',
    durationMs: 1234,
    hosts,
    findings,
    advice: [{ id: 'router-firmware-update', title: 'Update', text: 'Update the firmware.', url: 'https://example.org/update' }],
    ...extra,
  };
}
