import { readFileSync } from 'node:fs';
import { compareIp } from '../targets';
import type { DiscoveredHost } from '../types';
import { readProcArp, sweepOnLink } from './arp-sweep';
import { localSubnets, planAddresses, type LocalSubnet } from './interfaces';
import type { NeighbourEntry } from './proc-arp';
import { defaultGateways, parseProcRoute } from './proc-route';
import { sweepRouted } from './tcp-sweep';

/**
 * Host discovery: which of the requested addresses are alive, with their MAC where the LAN shows
 * it. On-link addresses are found by ARP through the kernel (arp-sweep.ts), the others by TCP
 * connect (tcp-sweep.ts); both run at once and report each host the moment it is found.
 * Only the requested addresses are ever sent anything.
 */

export interface DiscoveryOptions {
  signal?: AbortSignal;
  /** TCP ports whose answer proves a host behind a router is alive (content.probes.reachabilityPorts) */
  reachabilityPorts: readonly number[];
  /**
   * How long to listen for ARP answers after the requests went out (default 800 ms). Devices in
   * Wi-Fi power save answer late; anything not heard by then counts as absent.
   */
  arpWaitMs?: number;
  /** how often the neighbour table is read while listening (default 10 ms) */
  arpPollMs?: number;
  /** TCP connect timeout for hosts behind a router (default 600 ms) */
  tcpTimeoutMs?: number;
  /** TCP connection attempts in flight at once (default 768) */
  tcpConcurrency?: number;
  /** the machine's subnets; default: its interfaces (loopback excluded) */
  subnets?: readonly LocalSubnet[];
  /** the neighbour table reader; default /proc/net/arp (null = unavailable → node-arp) */
  readNeighbours?: () => NeighbourEntry[] | null;
  /** default gateways; default from /proc/net/route */
  gateways?: readonly string[];
  log?: (message: string) => void;
}

export const DISCOVERY_DEFAULTS = {
  arpWaitMs: 800,
  arpPollMs: 10,
  tcpTimeoutMs: 600,
  tcpConcurrency: 768,
} as const;

/** The default gateways of this machine (Linux); empty where /proc/net/route does not exist. */
export function systemGateways(path = '/proc/net/route'): string[] {
  try {
    return defaultGateways(parseProcRoute(readFileSync(path, 'utf8')));
  } catch {
    return [];
  }
}

export async function discoverHosts(
  addresses: readonly string[],
  options: DiscoveryOptions,
  onHost: (host: DiscoveredHost) => void,
): Promise<DiscoveredHost[]> {
  const log = options.log ?? (() => undefined);
  if (options.signal?.aborted) return [];
  const plan = planAddresses(addresses, options.subnets ?? localSubnets());
  const gateways = new Set(options.gateways ?? systemGateways());
  if (plan.skipped.length > 0) log(`discovery: not probing ${plan.skipped.length} address(es) (own, network or broadcast address)`);

  const seen = new Set<string>();
  // Each address is reported once, even if both methods were to find it.
  const report = (host: DiscoveredHost): void => {
    if (seen.has(host.ip)) return;
    seen.add(host.ip);
    try {
      onHost(host);
    } catch (error) {
      log(`discovery: onHost failed for ${host.ip}: ${(error as Error).message}`);
    }
  };

  // The ARP requests go out first: hundreds of TCP connects starting at the same moment would
  // otherwise delay them (and every on-link answer) by tens of milliseconds.
  let requestsSent: () => void = () => undefined;
  const arpRequestsSent = new Promise<void>((resolve) => { requestsSent = resolve; });
  const [onLink, routed] = await Promise.all([
    sweepOnLink(plan.onLink, {
      waitMs: options.arpWaitMs ?? DISCOVERY_DEFAULTS.arpWaitMs,
      pollMs: options.arpPollMs ?? DISCOVERY_DEFAULTS.arpPollMs,
      signal: options.signal,
      gateways,
      readTable: options.readNeighbours ?? (() => readProcArp()),
      onRequestsSent: requestsSent,
      log,
    }, report),
    arpRequestsSent.then(() => sweepRouted(plan.routed, {
      ports: options.reachabilityPorts,
      timeoutMs: options.tcpTimeoutMs ?? DISCOVERY_DEFAULTS.tcpTimeoutMs,
      concurrency: options.tcpConcurrency ?? DISCOVERY_DEFAULTS.tcpConcurrency,
      signal: options.signal,
      gateways,
    }, report)),
  ]);
  return [...onLink, ...routed].sort((a, b) => compareIp(a.ip, b.ip));
}

export type { LocalSubnet } from './interfaces';
export type { NeighbourEntry } from './proc-arp';
