import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { windowsScenario, winlogbeatRecord } from '../../../scripts/gen-spray-fixtures';
import type { ScanResult } from '../../../src/scanner/report-types';
import { analyseSprayLogs, correlateWithScan, SOURCE_INDEX, type SprayReport } from '../../../src/spray';
import { tempDir } from './helpers';

function scan(hosts: Array<Partial<ScanResult['hosts'][number]> & { ip: string }>, findings: ScanResult['findings'] = []): ScanResult {
  return {
    targets: ['10.20.0.0/16'],
    startedAt: '2024-10-07T12:00:00.000Z',
    durationMs: 900,
    hosts: hosts.map((h) => ({ mac: null, vendor: null, tplink: false, randomizedMac: false, gateway: false, openPorts: [], model: null, ...h })),
    findings,
    advice: [],
  };
}

let report: SprayReport;
beforeAll(async () => {
  const { events } = windowsScenario();
  const file = path.join(tempDir(), 'security.ndjson');
  writeFileSync(file, `${events.map((e) => JSON.stringify(winlogbeatRecord(e))).join('\n')}\n`);
  report = await analyseSprayLogs([file]);
});

const XLOGIN = { id: 'quad7-xlogin-shell', severity: 'critical' as const, ip: '10.20.0.1', title: 'Quad7 "xlogin" backdoor shell answers on TCP 7777', evidence: 'TCP 7777 greets with "xlogin: "', advice: ['router-isolate-reflash'] };

describe('spray report joined to a LAN scan', () => {
  it('says when a spraying address is a device the scan found, with what the scan knows about it', () => {
    const findings = correlateWithScan(report, scan([{ ip: '10.20.0.99', mac: '14:75:90:00:00:99', vendor: 'TP-LINK TECHNOLOGIES CO.,LTD.', tplink: true }]));
    const [onLan, ...more] = findings;
    expect(more).toEqual([]);
    expect(onLan).toMatchObject({ id: 'spray-source-on-lan', severity: 'critical', ip: '10.20.0.99', sources: ['10.20.0.99'] });
    expect(onLan!.title).toBe('Spray source 10.20.0.99 is a device on the scanned LAN (TP-LINK TECHNOLOGIES CO.,LTD.)');
    expect(onLan!.evidence).toMatch(/spray-single-source/);
    expect(onLan!.evidence).toMatch(/MAC 14:75:90:00:00:99/);
  });

  it('says nothing when no spraying address is on the LAN and no router shows Quad7 signs', () => {
    expect(correlateWithScan(report, scan([{ ip: '10.20.1.12' }, { ip: '10.20.0.1', gateway: true }]))).toEqual([]);
  });

  it('flags sign-ins from LAN hosts when the site router shows Quad7 signs, and adds the Quad7 detail to a LAN spray source', () => {
    const findings = correlateWithScan(report, scan([{ ip: '10.20.0.1', gateway: true }, { ip: '10.20.1.12' }, { ip: '10.20.0.99' }], [XLOGIN]));
    const site = findings.filter((f) => f.id === 'spray-signin-from-quad7-site');
    expect(site.map((f) => f.ip)).toEqual(['10.20.1.12']);
    expect(site[0]).toMatchObject({ severity: 'high', title: 'Sign-ins from 10.20.1.12, a site whose router shows Quad7 signs (10.20.0.1)' });
    expect(site[0]!.evidence).toMatch(/quad7-xlogin-shell/);
    expect(findings.find((f) => f.id === 'spray-source-on-lan')!.ip).toBe('10.20.0.99');
  });

  it('uses the site\'s public addresses given by the caller: Entra logs see the NAT address, not the LAN', async () => {
    const file = path.join(tempDir(), 'entra.ndjson');
    writeFileSync(file, `${JSON.stringify({ createdDateTime: '2024-10-07T09:00:00Z', userPrincipalName: 'alice@contoso.com', ipAddress: '203.0.113.10', clientAppUsed: 'Browser', status: { errorCode: 0 } })}\n`);
    const entra = await analyseSprayLogs([file]);
    expect(correlateWithScan(entra, scan([{ ip: '10.20.0.1' }], [XLOGIN]))).toEqual([]);
    const [site] = correlateWithScan(entra, scan([{ ip: '10.20.0.1' }], [XLOGIN]), { siteAddresses: ['203.0.113.10'] });
    expect(site).toMatchObject({ id: 'spray-signin-from-quad7-site', ip: '203.0.113.10', accounts: ['alice@contoso.com'] });
    expect(site!.evidence).toMatch(/the site's public address/);
  });

  it('ignores scan findings below the Quad7 threshold (an open 7777 that is something else)', () => {
    const other = { ...XLOGIN, id: 'port-7777-other-service', severity: 'low' as const };
    expect(correlateWithScan(report, scan([{ ip: '10.20.1.12' }], [other]))).toEqual([]);
  });

  it('still finds a LAN spray source in a report read back from JSON (no in-memory index)', () => {
    const fromJson = JSON.parse(JSON.stringify(report)) as SprayReport;
    expect(fromJson[SOURCE_INDEX]).toBeUndefined();
    expect(correlateWithScan(fromJson, scan([{ ip: '10.20.0.99' }])).map((f) => f.id)).toEqual(['spray-source-on-lan']);
  });
});
