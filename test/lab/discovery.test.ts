import { DEMO_TOPOLOGY } from '../../lab/demo';
import { expectedLiveHosts } from '../../lab/topology';
import type { NeighbourEntry } from '../../src/scanner/discovery';
import type { DiscoveredHost } from '../../src/scanner/types';
import { addressesOf24, describeLab, runDriverInScanner, withLab } from '../support/lab';

interface DiscoverOutput {
  hosts: DiscoveredHost[];
  events: Array<{ ip: string; atMs: number }>;
  durationMs: number;
  neighbours: NeighbourEntry[];
}

const LAN = addressesOf24('10.77.0');
const ROUTED = addressesOf24('10.78.0');
const expected = expectedLiveHosts(DEMO_TOPOLOGY);
const byName = (name: string) => {
  const host = expected.find((h) => h.name === name);
  if (!host) throw new Error(`demo topology has no ${name}`);
  return host;
};

describeLab('discovery in the demo lab', () => {
  const handle = withLab(DEMO_TOPOLOGY, __filename);

  const discover = (addresses: string[], options: Record<string, unknown> = {}) =>
    runDriverInScanner<DiscoverOutput>(handle.lab, 'lab/drivers/discover.js', { addresses, options });

  it('touches nothing outside the requested addresses', async () => {
    const { lab } = handle;
    await lab.flushScannerNeighbours();
    const outside = ['ws', 'asus', 'sleepy', 'srv1'];
    const before = outside.map((name) => lab.contacts(name).length);
    // .1–.12: the router, the access point, the Mercusys and the camera; nothing routed.
    const requested = LAN.slice(0, 12);
    const out = await discover(requested);

    expect(out.hosts.map((h) => h.ip)).toEqual(['10.77.0.1', '10.77.0.10', '10.77.0.11', '10.77.0.12']);
    // The kernel was asked only about requested addresses ...
    for (const entry of out.neighbours) expect(requested).toContain(entry.ip);
    // ... and no device outside the range saw a connection, an SSDP query or an ARP request.
    expect(outside.map((name) => lab.contacts(name).length)).toEqual(before);
  });

  it('finds exactly the live hosts of both subnets, the late-ARP one included, and marks the gateway', async () => {
    await handle.lab.flushScannerNeighbours();
    const out = await discover([...LAN, ...ROUTED]);

    const found = out.hosts.map((h) => ({ ip: h.ip, mac: h.mac, via: h.via, gateway: h.gateway }));
    const want = expected.map((h) => ({ ip: h.ip, mac: h.mac, via: h.via, gateway: h.gateway }));
    expect(found.sort((a, b) => a.ip.localeCompare(b.ip))).toEqual(want.sort((a, b) => a.ip.localeCompare(b.ip)));

    // The slow device answered ARP 500 ms late and was still found, after the quick ones.
    const sleepy = byName('sleepy');
    expect(out.hosts.find((h) => h.ip === sleepy.ip)?.mac).toBe(sleepy.mac);
    const atMs = (ip: string) => out.events.find((e) => e.ip === ip)?.atMs ?? NaN;
    expect(atMs(sleepy.ip)).toBeGreaterThan(atMs(byName('rtr').ip));

    // Hosts behind the router are known by address only.
    expect(out.hosts.filter((h) => h.ip.startsWith('10.78.')).every((h) => h.mac === null && h.via === 'tcp')).toBe(true);
    // Each host was announced once, as it was found.
    expect(out.events.map((e) => e.ip).sort()).toEqual(out.hosts.map((h) => h.ip).sort());
  });

  it('finds the same hosts again with a warm neighbour cache', async () => {
    const out = await discover(LAN);
    const want = expected.filter((h) => h.via === 'arp').map((h) => h.ip).sort();
    expect(out.hosts.map((h) => h.ip).sort()).toEqual(want);
  });

  it('misses a late host when told not to wait for it (the wait is what finds it)', async () => {
    await handle.lab.flushScannerNeighbours();
    const sleepy = byName('sleepy');
    const out = await discover([byName('rtr').ip, sleepy.ip], { arpWaitMs: 100 });
    expect(out.hosts.map((h) => h.ip)).toEqual([byName('rtr').ip]);
  });
});
