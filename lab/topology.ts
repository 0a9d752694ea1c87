/**
 * Declarative lab networks: who is on the LAN, with which MAC and which services, and what the
 * scanner is expected to conclude about each device (the ground truth tests compare against).
 */

/** A service a lab device runs (implemented by lab/services/device.js). */
export type LabService =
  /** TCP server that sends `banner` (latin1 bytes) on connect, then waits for the client to leave */
  | { kind: 'banner'; port: number; banner: string }
  /** minimal SOCKS5: answers the greeting 05 01 00 with 05 00 */
  | { kind: 'socks5'; port: number }
  /** HTTP (or HTTPS with a self-signed certificate) page with a <title> and a Server header */
  | { kind: 'http' | 'https'; port: number; title: string; server?: string }
  /** UPnP root device: answers unicast SSDP M-SEARCH on UDP 1900, description XML over HTTP */
  | {
      kind: 'upnp';
      deviceType: string;
      manufacturer: string;
      modelName: string;
      modelNumber?: string;
      /** TCP port of the description server (default 49152, as many SOHO devices use) */
      descriptionPort?: number;
    };

export interface LabHost {
  /** short name, [a-z0-9], at most 10 characters: part of the namespace name */
  name: string;
  ip: string;
  /** lower-case aa:bb:cc:dd:ee:ff */
  mac: string;
  /** 'lan' (default): on the scanner's segment; 'routed': on the subnet behind the router */
  segment?: 'lan' | 'routed';
  services?: LabService[];
  /** the kernel stays silent on ARP and a raw-socket responder answers after this many ms */
  slowArpMs?: number;
  /** ground truth for tests */
  expect: {
    /** a member of the TP-Link family (TP-Link, Mercusys), by MAC or by its own hints */
    tplink: boolean;
    /** the finding ids the full scan must report for this host (at least these) */
    findings?: string[];
  };
  /** what this device stands for, shown by `npm run lab -- status` */
  role?: string;
}

export interface LabTopology {
  /** the scanner's segment, e.g. 10.77.0.0/24 */
  lan: string;
  /** where the scanner runs; its default route points at `gateway` when there is one */
  scanner: { ip: string; mac: string };
  /** IP of the host that routes (the default gateway); must be one of `hosts` */
  gateway?: string;
  /** a subnet behind the gateway, e.g. 10.78.0.0/24, and the gateway's address in it */
  routed?: { network: string; gatewayIp: string };
  hosts: LabHost[];
}

export function prefixLengthOf(cidr: string): number {
  const length = Number(cidr.split('/')[1]);
  if (!Number.isInteger(length) || length < 8 || length > 30) throw new Error(`lab: "${cidr}" is not a usable CIDR`);
  return length;
}

/** Every host of the topology except the scanner, with its segment resolved. */
export function hostsOf(topology: LabTopology): Array<LabHost & { segment: 'lan' | 'routed' }> {
  return topology.hosts.map((host) => ({ ...host, segment: host.segment ?? 'lan' }));
}

const NAME = /^[a-z0-9]{1,10}$/;

/** Catches mistakes in a topology before any namespace exists. */
export function validateTopology(topology: LabTopology): void {
  const problems: string[] = [];
  const names = new Set<string>();
  const ips = new Set<string>([topology.scanner.ip]);
  const macs = new Set<string>([topology.scanner.mac]);
  for (const host of topology.hosts) {
    if (!NAME.test(host.name) || host.name === 'sw' || host.name === 'scan') problems.push(`bad or reserved host name "${host.name}"`);
    if (names.has(host.name)) problems.push(`duplicate host name ${host.name}`);
    names.add(host.name);
    if (ips.has(host.ip)) problems.push(`duplicate IP ${host.ip}`);
    ips.add(host.ip);
    if (!/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(host.mac)) problems.push(`${host.name}: MAC "${host.mac}" is not lower-case aa:bb:cc:dd:ee:ff`);
    if (macs.has(host.mac)) problems.push(`duplicate MAC ${host.mac}`);
    macs.add(host.mac);
    if (host.segment === 'routed' && !topology.routed) problems.push(`${host.name} is routed but the topology has no routed subnet`);
    if (host.slowArpMs !== undefined && host.segment === 'routed') problems.push(`${host.name}: slow ARP only makes sense on the LAN`);
  }
  if (topology.gateway && !topology.hosts.some((host) => host.ip === topology.gateway)) {
    problems.push(`gateway ${topology.gateway} is not one of the hosts`);
  }
  if (topology.routed && !topology.gateway) problems.push('a routed subnet needs a gateway');
  if (problems.length > 0) throw new Error(`lab topology: ${problems.join('; ')}`);
}

/** A live address as the scanner should find it. */
export interface ExpectedHost {
  name: string;
  ip: string;
  /** null behind the router, where ARP cannot see */
  mac: string | null;
  via: 'arp' | 'tcp';
  gateway: boolean;
  tplink: boolean;
  findings: string[];
}

/**
 * Every address a full scan of the lab's subnets must find, and nothing else: the devices, plus
 * the router's own address on the routed subnet (the same device, reached through routing).
 */
export function expectedLiveHosts(topology: LabTopology): ExpectedHost[] {
  const expected: ExpectedHost[] = hostsOf(topology).map((host) => ({
    name: host.name,
    ip: host.ip,
    mac: host.segment === 'lan' ? host.mac : null,
    via: host.segment === 'lan' ? 'arp' : 'tcp',
    gateway: host.ip === topology.gateway,
    tplink: host.expect.tplink,
    findings: host.expect.findings ?? [],
  }));
  const router = topology.hosts.find((host) => host.ip === topology.gateway);
  if (router && topology.routed) {
    expected.push({
      name: `${router.name}@routed`, ip: topology.routed.gatewayIp, mac: null, via: 'tcp', gateway: false,
      tplink: router.expect.tplink, findings: router.expect.findings ?? [],
    });
  }
  return expected;
}
