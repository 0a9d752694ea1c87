import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { discoverHosts } from '../../../src/scanner/discovery';
import type { AddressInfo } from 'node:net';
import { normaliseArpMac, sweepOnLink } from '../../../src/scanner/discovery/arp-sweep';
import type { NeighbourEntry } from '../../../src/scanner/discovery/proc-arp';
import { sweepRouted } from '../../../src/scanner/discovery/tcp-sweep';
import type { DiscoveredHost } from '../../../src/scanner/types';

/**
 * The sweeps' decisions with a simulated neighbour table. The provoking datagrams really go out,
 * to loopback addresses only; the kernel's real ARP behaviour is covered by the lab tests.
 */

/** A neighbour table in which each address resolves `afterMs` after the first read. */
function simulatedTable(plan: Record<string, { mac: string; afterMs: number }>) {
  let start: number | undefined;
  let reads = 0;
  const read = (): NeighbourEntry[] => {
    start ??= Date.now();
    reads += 1;
    const elapsed = Date.now() - start;
    return Object.entries(plan).map(([ip, { mac, afterMs }]) => {
      const complete = elapsed >= afterMs;
      return { ip, mac: complete ? mac : '00:00:00:00:00:00', device: 'eth0', complete, permanent: false };
    });
  };
  return { read, reads: () => reads };
}

describe('ARP sweep', () => {
  it('reports each host as its entry resolves, includes late answers, and stops at the wait limit', async () => {
    const table = simulatedTable({
      '127.0.10.1': { mac: '00:0a:eb:00:00:01', afterMs: 0 },
      '127.0.10.2': { mac: '00:0a:eb:00:00:02', afterMs: 150 },
      '127.0.10.3': { mac: '00:0a:eb:00:00:03', afterMs: 60_000 },
    });
    const seen: Array<{ ip: string; atRead: number }> = [];
    const result = await sweepOnLink(['127.0.10.1', '127.0.10.2', '127.0.10.3'],
      { waitMs: 400, pollMs: 5, gateways: new Set(['127.0.10.1']), readTable: table.read },
      (host) => seen.push({ ip: host.ip, atRead: table.reads() }));
    expect(result.map((h) => h.ip)).toEqual(['127.0.10.1', '127.0.10.2']);
    expect(result[0]).toEqual({ ip: '127.0.10.1', mac: '00:0a:eb:00:00:01', gateway: true, via: 'arp' });
    expect(result[1]?.gateway).toBe(false);
    // Streamed: the first host was announced on an earlier read than the late one.
    expect(seen[0]!.atRead).toBeLessThan(seen[1]!.atRead);
  });

  it('ignores addresses nobody asked for and entries still waiting', async () => {
    const table = simulatedTable({
      '127.0.10.1': { mac: '00:0a:eb:00:00:01', afterMs: 0 },
      '127.0.10.9': { mac: '00:0a:eb:00:00:09', afterMs: 0 },
      '127.0.10.2': { mac: '00:0a:eb:00:00:02', afterMs: 60_000 },
    });
    const result = await sweepOnLink(['127.0.10.1', '127.0.10.2'],
      { waitMs: 100, pollMs: 5, gateways: new Set(), readTable: table.read }, () => undefined);
    expect(result.map((h) => h.ip)).toEqual(['127.0.10.1']);
  });

  it('stops waiting as soon as every address has answered', async () => {
    const table = simulatedTable({ '127.0.10.1': { mac: '00:0a:eb:00:00:01', afterMs: 20 } });
    const sweep = sweepOnLink(['127.0.10.1'], { waitMs: 60_000, pollMs: 5, gateways: new Set(), readTable: table.read }, () => undefined);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([sweep.then(() => 'done'), new Promise((r) => { timer = setTimeout(() => r('still waiting'), 5_000); })]);
    clearTimeout(timer);
    expect(outcome).toBe('done');
  });

  it('returns what it has when aborted', async () => {
    const table = simulatedTable({
      '127.0.10.1': { mac: '00:0a:eb:00:00:01', afterMs: 0 },
      '127.0.10.2': { mac: '00:0a:eb:00:00:02', afterMs: 60_000 },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await sweepOnLink(['127.0.10.1', '127.0.10.2'],
      { waitMs: 60_000, pollMs: 5, gateways: new Set(), readTable: table.read, signal: controller.signal }, () => undefined);
    expect(result.map((h) => h.ip)).toEqual(['127.0.10.1']);
  });

  it('sends nothing and finds nothing for an empty list', async () => {
    const read = jest.fn(() => []);
    expect(await sweepOnLink([], { waitMs: 100, pollMs: 5, gateways: new Set(), readTable: read }, () => undefined)).toEqual([]);
    expect(read).not.toHaveBeenCalled();
  });
});

describe('MACs from the arp command (node-arp fallback)', () => {
  it('restores the leading zeros macOS drops', () => {
    expect(normaliseArpMac('0:19:99:50:3a:3')).toBe('00:19:99:50:3a:03');
  });
  it('accepts Windows dashes and upper case', () => {
    expect(normaliseArpMac('50-67-F0-8C-7A-3F')).toBe('50:67:f0:8c:7a:3f');
  });
  it('rejects incomplete, zero and broadcast entries', () => {
    expect(normaliseArpMac('(incomplete)')).toBeNull();
    expect(normaliseArpMac('00:00:00:00:00:00')).toBeNull();
    expect(normaliseArpMac('ff:ff:ff:ff:ff:ff')).toBeNull();
  });
});

describe('TCP sweep (loopback)', () => {
  let server: net.Server;
  let port: number;
  beforeAll(async () => {
    server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('counts an accepted connection and a refusal alike as a live host, without a MAC', async () => {
    const seen: DiscoveredHost[] = [];
    // 127.0.0.1 accepts on `port`; 127.0.0.3 has nothing there and answers with a reset.
    const result = await sweepRouted(['127.0.0.1', '127.0.0.3'],
      { ports: [port], timeoutMs: 2000, concurrency: 4, gateways: new Set(['127.0.0.3']) }, (host) => seen.push(host));
    expect(result.sort((a, b) => a.ip.localeCompare(b.ip))).toEqual([
      { ip: '127.0.0.1', mac: null, gateway: false, via: 'tcp' },
      { ip: '127.0.0.3', mac: null, gateway: true, via: 'tcp' },
    ]);
    expect(seen).toHaveLength(2);
  });

  it('does nothing when aborted before it starts', async () => {
    const controller = new AbortController();
    controller.abort();
    const accepted = jest.fn();
    server.on('connection', accepted);
    const result = await sweepRouted(['127.0.0.1'], { ports: [port], timeoutMs: 2000, concurrency: 4, gateways: new Set(), signal: controller.signal }, () => undefined);
    server.off('connection', accepted);
    expect(result).toEqual([]);
    expect(accepted).not.toHaveBeenCalled();
  });
});

describe('discovery as a whole', () => {
  it('sends nothing at all when the scan was cancelled before it started', async () => {
    const controller = new AbortController();
    controller.abort();
    const read = jest.fn(() => []);
    const result = await discoverHosts(['127.0.10.1', '10.200.0.1'], {
      signal: controller.signal, reachabilityPorts: [80], readNeighbours: read, gateways: [],
      // 127.0.10.1 counts as on-link here, so an ARP sweep would read the table.
      subnets: [{ iface: 'lo', address: '127.0.10.254', network: ipaddr.IPv4.parse('127.0.10.0'), prefixLength: 24 }],
    }, () => undefined);
    expect(result).toEqual([]);
    expect(read).not.toHaveBeenCalled();
  });
});
