import net from 'node:net';
import type { ProbesFile } from '../../content/schema';
import type { DiscoveredHost, InspectedHost, ModelHints, PortProbeResult } from '../types';
import { probeHttp } from './http';
import { onAbort, ProbeScope } from './scope';
import { probeBanner, probeSocks5 } from './tcp-probes';
import { probeUpnp, SSDP_PORT } from './upnp';

/**
 * Probing one live host: every port of the content's probe plan in parallel (greeting, SOCKS5
 * handshake or web page by its kind), plus a unicast SSDP query for UPnP model hints.
 *
 * Never rejects for network trouble: every failure becomes a port state or a missing hint.
 * On abort it resolves promptly with what it has; unfinished ports carry `interrupted: true`
 * (and read as 'filtered' when the connect had not completed).
 */

export interface ProbeOptions {
  plan: ProbesFile;
  signal?: AbortSignal;
  /** test hook: map a planned port (and the SSDP port 1900) to the port actually dialled */
  portMap?: (port: number) => number;
  /** address to dial instead of host.ip (results still report host.ip) */
  host?: string;
}

type PlannedPort = ProbesFile['ports'][number];

function probePort(entry: PlannedPort, ip: string, dialPort: number, plan: ProbesFile, scope: ProbeScope): Promise<PortProbeResult> {
  const target = { ip, plannedPort: entry.port, dialPort };
  switch (entry.kind) {
    case 'banner':
      return probeBanner(target, plan.timeouts, scope);
    case 'socks5':
      return probeSocks5(target, plan.timeouts, scope);
    case 'http':
      return probeHttp({ ...target, tls: false }, plan.timeouts, scope);
    case 'https':
      return probeHttp({ ...target, tls: true }, plan.timeouts, scope);
  }
}

/**
 * Web hints from the http/https ports, in plan order: the first port with a title wins, and its
 * own Server header is preferred so that title and server describe the same page.
 */
export function httpHints(ports: PortProbeResult[]): ModelHints {
  const web = ports.filter((p) => p.state === 'open' && p.http);
  const hints: ModelHints = {};
  const titled = web.find((p) => p.http?.title);
  const served = titled?.http?.server ? titled : web.find((p) => p.http?.server);
  const source = titled ?? served;
  if (titled?.http?.title) hints.httpTitle = titled.http.title;
  if (served?.http?.server) hints.httpServer = served.http.server;
  if (source) hints.httpPort = source.port;
  const realm = web.find((p) => p.http?.realm)?.http?.realm;
  if (realm) hints.httpRealm = realm;
  return hints;
}

export async function inspectHost(host: DiscoveredHost, options: ProbeOptions): Promise<InspectedHost> {
  const ip = options.host ?? host.ip;
  if (net.isIP(ip) === 0) {
    // Discovery hands over address literals; anything else would mean DNS lookups mid-scan.
    throw new TypeError(`inspectHost: "${ip}" is not an IP address`);
  }
  const map = options.portMap ?? ((port: number) => port);
  const { plan } = options;
  const scope = new ProbeScope();
  const unsubscribe = onAbort(options.signal, () => scope.abort());
  try {
    const [ports, upnpHints] = await Promise.all([
      Promise.all(plan.ports.map((entry) => probePort(entry, ip, map(entry.port), plan, scope))),
      probeUpnp(ip, map(SSDP_PORT), plan.timeouts, scope),
    ]);
    return { ...host, ports, hints: { ...httpHints(ports), ...upnpHints } };
  } finally {
    unsubscribe();
    scope.abort(); // a safety net: every probe has released its sockets and timers by now
  }
}
