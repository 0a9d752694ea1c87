import { DEMO_TARGETS, DEMO_TOPOLOGY } from '../../lab/demo';
import { expectedLiveHosts } from '../../lab/topology';
import type { ScanResult } from '../../src/scanner/report-types';
import type { ScanProgress } from '../../src/scanner/scan';
import { addressesOf24, describeLab, runDriverInScanner, withLab } from '../support/lab';

interface ScanOutput {
  result: ScanResult;
  progress: ScanProgress[];
  elapsedMs: number;
}

const expected = expectedLiveHosts(DEMO_TOPOLOGY);
const ipOf = (name: string): string => {
  const host = expected.find((h) => h.name === name);
  if (!host) throw new Error(`demo topology has no ${name}`);
  return host.ip;
};
const ADDRESSES = [...addressesOf24('10.77.0'), ...addressesOf24('10.78.0')];

describeLab('full scan in the demo lab', () => {
  const handle = withLab(DEMO_TOPOLOGY, __filename);
  let scan: ScanOutput;

  beforeAll(async () => {
    await handle.lab.flushScannerNeighbours();
    scan = await runDriverInScanner<ScanOutput>(handle.lab, 'lab/drivers/scan.js', { targets: [...DEMO_TARGETS], addresses: ADDRESSES });
  }, 60_000);

  it('lists exactly the live hosts, sorted by address, complete', () => {
    expect(scan.result.partial).toBeUndefined();
    expect(scan.result.targets).toEqual([...DEMO_TARGETS]);
    const ips = scan.result.hosts.map((h) => h.ip);
    expect(new Set(ips)).toEqual(new Set(expected.map((h) => h.ip)));
    const numeric = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
    expect(ips).toEqual([...ips].sort((a, b) => numeric(a) - numeric(b)));
  });

  it('finds exactly the TP-Link family of the lab', () => {
    const tplink = scan.result.hosts.filter((h) => h.tplink).map((h) => h.ip).sort();
    expect(tplink).toEqual(expected.filter((h) => h.tplink).map((h) => h.ip).sort());
  });

  it('names the xlogin router critical, and the ASUS alogin shell', () => {
    const critical = scan.result.findings.filter((f) => f.severity === 'critical').map((f) => `${f.ip} ${f.id}`).sort();
    expect(critical).toEqual([
      `${ipOf('asus')} quad7-alogin-shell`,
      `${ipOf('rtr')} quad7-xlogin-shell`,
      // The same router, reached through its address on the routed subnet.
      `${ipOf('rtr@routed')} quad7-xlogin-shell`,
    ].sort());
    const xlogin = scan.result.findings.find((f) => f.ip === ipOf('rtr') && f.id === 'quad7-xlogin-shell');
    expect(xlogin?.evidence).toContain('xlogin:');
  });

  it('does not call the benign SSH server on 7777 critical, and says what it is', () => {
    const ws = scan.result.findings.filter((f) => f.ip === ipOf('ws'));
    expect(ws.map((f) => f.severity)).not.toContain('critical');
    expect(ws.map((f) => f.severity)).not.toContain('high');
    const port7777 = ws.find((f) => f.id === 'port-7777-other-service');
    expect(port7777?.title).toMatch(/SSH/);
    expect(port7777?.evidence).toContain('SSH-2.0-OpenSSH_9.2p1');
  });

  it('reports every finding the topology expects for each host', () => {
    for (const host of expected) {
      const ids = scan.result.findings.filter((f) => f.ip === host.ip).map((f) => f.id);
      for (const id of host.findings) expect({ host: host.name, ids }).toEqual({ host: host.name, ids: expect.arrayContaining([id]) });
    }
  });

  it('sorts findings by severity, then address', () => {
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = scan.result.findings.map((f) => rank.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('records MACs, vendors, the gateway and the model hints', () => {
    const rtr = scan.result.hosts.find((h) => h.ip === ipOf('rtr'));
    expect(rtr).toMatchObject({ vendor: 'TP-LINK TECHNOLOGIES CO.,LTD.', gateway: true, tplink: true, model: 'TL-WR841N', randomizedMac: false });
    expect(rtr?.openPorts).toEqual([23, 80, 7777, 11288]);
    const tapo = scan.result.hosts.find((h) => h.ip === ipOf('tapo'));
    expect(tapo).toMatchObject({ vendor: null, randomizedMac: true, tplink: true });
    expect(tapo?.model).toMatch(/Tapo C210/);
    const phone = scan.result.hosts.find((h) => h.ip === ipOf('phone'));
    expect(phone).toMatchObject({ randomizedMac: true, tplink: false, openPorts: [] });
    expect(scan.result.hosts.filter((h) => h.gateway).map((h) => h.ip)).toEqual([ipOf('rtr')]);
  });

  it('reports progress through the phases and ends with done', () => {
    const phases = scan.progress.map((p) => p.phase);
    expect(phases[0]).toBe('discovery');
    expect(phases[phases.length - 1]).toBe('done');
    const last = scan.progress[scan.progress.length - 1];
    expect(last).toEqual({ phase: 'done', addressesTotal: ADDRESSES.length, hostsFound: expected.length, hostsInspected: expected.length });
  });

  it('returns what it has, marked partial, when the time runs out', async () => {
    await handle.lab.flushScannerNeighbours();
    const cut = await runDriverInScanner<ScanOutput>(handle.lab, 'lab/drivers/scan.js', {
      targets: [...DEMO_TARGETS], addresses: ADDRESSES, timeoutMs: 300,
    });
    expect(cut.result.partial).toBe(true);
    // The quick LAN hosts were found before the cut and are kept, with their MAC and vendor.
    const rtr = cut.result.hosts.find((h) => h.ip === ipOf('rtr'));
    expect(rtr).toMatchObject({ tplink: true, vendor: 'TP-LINK TECHNOLOGIES CO.,LTD.' });
    expect(cut.result.hosts.length).toBeGreaterThan(0);
    expect(cut.result.hosts.length).toBeLessThanOrEqual(expected.length);
  });
});
