import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { createLimiter } from '../limiter';
import type { DiscoveredHost } from '../types';
import { parseProcArp, type NeighbourEntry } from './proc-arp';

/**
 * On-link discovery without raw sockets or root: send one empty UDP datagram to every address at
 * once, which makes the kernel ARP for all of them in parallel, then watch the kernel's neighbour
 * table fill in. Each host is reported the moment its entry resolves, so the scan can probe it
 * while late answers are still on their way.
 *
 * The kernel keeps asking an absent address for ~3 s before giving up (mcast_solicit × retrans
 * time); we stop listening after `waitMs` instead, which still leaves time for devices in Wi-Fi
 * power save that answer hundreds of ms late.
 *
 * Known limit: an entry the kernel already had as resolved before the scan (it talked to the host
 * recently) counts as live at once, since /proc/net/arp does not say how fresh it is. A device
 * that left the LAN minutes ago can therefore still be listed, with no open ports.
 */

export interface ArpSweepOptions {
  /** how long to wait for answers after the requests went out */
  waitMs: number;
  /** how often the neighbour table is read while waiting */
  pollMs: number;
  signal?: AbortSignal;
  /** addresses of the default gateway(s), to mark them */
  gateways: ReadonlySet<string>;
  /** the neighbour table; null when this OS has no /proc/net/arp (then node-arp is asked) */
  readTable?: () => NeighbourEntry[] | null;
  /** called once every ARP-provoking datagram is out (the caller may start noisier work then) */
  onRequestsSent?: () => void;
  log?: (message: string) => void;
}

/** UDP "discard": nothing listens there, and nobody minds a datagram. */
const DISCARD_PORT = 9;

export function readProcArp(path = '/proc/net/arp'): NeighbourEntry[] | null {
  try {
    return parseProcArp(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Addresses per socket. Every datagram waiting for its ARP answer is charged to its socket's send
 * buffer (about 200 KB by default, ~800 bytes each), and a full buffer blocks further sends until
 * the kernel gives up on absent addresses, 3 s later. A small group per socket never fills it.
 */
const ADDRESSES_PER_SOCKET = 64;

function sendEmptyDatagrams(addresses: readonly string[], log?: (message: string) => void): Promise<string[]> {
  const socket = dgram.createSocket('udp4');
  socket.on('error', (error) => log?.(`arp sweep: socket error ${error.message}`));
  const empty = Buffer.alloc(0);
  const failed: string[] = [];
  return Promise.all(addresses.map((address) => new Promise<void>((resolve) => {
    socket.send(empty, DISCARD_PORT, address, (error) => {
      if (error) failed.push(address);
      resolve();
    });
  }))).then(() => {
    // Closing is safe: the kernel keeps the queued datagrams until ARP resolves or fails.
    socket.close();
    return failed;
  });
}

/**
 * Sends the datagrams that make the kernel resolve every address; resolves once all are out,
 * with the addresses whose datagram could not be sent (e.g. the neighbour table is full).
 */
export async function provokeArp(addresses: readonly string[], log?: (message: string) => void): Promise<string[]> {
  const groups: string[][] = [];
  for (let i = 0; i < addresses.length; i += ADDRESSES_PER_SOCKET) groups.push(addresses.slice(i, i + ADDRESSES_PER_SOCKET));
  const failed = (await Promise.all(groups.map((group) => sendEmptyDatagrams(group, log)))).flat();
  if (failed.length > 0) log?.(`arp sweep: ${failed.length} of ${addresses.length} datagrams could not be sent (neighbour table full?)`);
  return failed;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function sweepOnLink(
  addresses: readonly string[],
  options: ArpSweepOptions,
  onHost: (host: DiscoveredHost) => void,
): Promise<DiscoveredHost[]> {
  if (addresses.length === 0) {
    options.onRequestsSent?.();
    return [];
  }
  const readTable = options.readTable ?? (() => readProcArp());
  const wanted = new Set(addresses);
  const found = new Map<string, DiscoveredHost>();

  const collect = (entries: readonly NeighbourEntry[]): void => {
    for (const entry of entries) {
      if (!entry.complete || !wanted.has(entry.ip) || found.has(entry.ip)) continue;
      const host: DiscoveredHost = { ip: entry.ip, mac: entry.mac, gateway: options.gateways.has(entry.ip), via: 'arp' };
      found.set(entry.ip, host);
      onHost(host);
    }
  };

  if (readTable() === null) return sweepWithNodeArp(addresses, options, onHost);

  const started = Date.now();
  await provokeArp(addresses, options.log);
  options.onRequestsSent?.();
  const deadline = started + options.waitMs;
  for (;;) {
    collect(readTable() ?? []);
    if (found.size === wanted.size || options.signal?.aborted) break;
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(options.pollMs, left), options.signal);
  }
  return [...found.values()];
}

/** node-arp's lookup (ping, then the OS's `arp` command), for systems without /proc/net/arp. */
type GetMac = (ip: string, callback: (error: boolean, mac: string) => void) => void;

/** "0:19:99:50:3a:3" (macOS drops leading zeros) → "00:19:99:50:3a:03"; null if not a MAC. */
export function normaliseArpMac(text: string): string | null {
  const parts = text.trim().toLowerCase().split(/[:-]/);
  if (parts.length !== 6 || !parts.every((part) => /^[0-9a-f]{1,2}$/.test(part))) return null;
  const mac = parts.map((part) => part.padStart(2, '0')).join(':');
  return mac === '00:00:00:00:00:00' || mac === 'ff:ff:ff:ff:ff:ff' ? null : mac;
}

async function sweepWithNodeArp(
  addresses: readonly string[],
  options: ArpSweepOptions,
  onHost: (host: DiscoveredHost) => void,
): Promise<DiscoveredHost[]> {
  // Loaded only here: the module has no types and spawns ping/arp per address.
  const { getMAC } = require('node-arp') as { getMAC: GetMac };
  await provokeArp(addresses, options.log);
  options.onRequestsSent?.();
  await sleep(options.waitMs, options.signal);
  const limiter = createLimiter(16);
  const found: DiscoveredHost[] = [];
  await Promise.all(addresses.map((ip) => limiter.run(async () => {
    // node-arp passes the address to child processes: only a well-formed IPv4 address goes there.
    if (options.signal?.aborted || !ipaddr.IPv4.isValidFourPartDecimal(ip)) return;
    const mac = await new Promise<string | null>((resolve) => {
      getMAC(ip, (error, text) => resolve(error ? null : normaliseArpMac(String(text))));
    });
    if (!mac) return;
    const host: DiscoveredHost = { ip, mac, gateway: options.gateways.has(ip), via: 'arp' };
    found.push(host);
    onHost(host);
  })));
  return found;
}
