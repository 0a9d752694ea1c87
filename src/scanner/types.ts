/** Shapes shared by the scanner's stages. The JSON report contract lives in report-types.ts. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Lower rank = more severe; handy for sorting and for --fail-on. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

/** A live address found by discovery, before any probing. */
export interface DiscoveredHost {
  ip: string;
  /** lower-case aa:bb:cc:dd:ee:ff, or null when the host is not on-link */
  mac: string | null;
  gateway: boolean;
  /** how it was found: a neighbour (ARP) entry or a TCP answer */
  via: 'arp' | 'tcp';
}

export type PortState = 'open' | 'closed' | 'filtered';

export interface PortProbeResult {
  port: number;
  state: PortState;
  /** first bytes the service sent (greeting), null when it said nothing */
  banner: Buffer | null;
  /** true when the port completed a SOCKS5 handshake */
  socks5?: boolean;
  /** what an http/https probe saw (final response, after at most one same-host redirect) */
  http?: HttpProbeInfo;
  /** the probe was cut short by an abort: state or banner may be incomplete */
  interrupted?: boolean;
}

export interface HttpProbeInfo {
  status: number;
  server: string | null;
  /** <title>, entities decoded and whitespace collapsed */
  title: string | null;
  /** realm of a Basic/Digest challenge (old TP-Link firmware names the model there) */
  realm: string | null;
  /** the same-host URL a redirect led to, when one was followed */
  redirectedTo?: string;
}

export interface ModelHints {
  httpTitle?: string;
  httpServer?: string;
  /** which port the HTTP hints came from */
  httpPort?: number;
  upnpManufacturer?: string;
  upnpModelName?: string;
  upnpModelNumber?: string;
  upnpDeviceType?: string;
  /** the SSDP LOCATION the host announced (fetched only when it points at the host itself) */
  upnpLocation?: string;
  /** realm of an HTTP auth challenge, e.g. "TP-LINK Wireless N Router WR841N" */
  httpRealm?: string;
}

/** A host after the probes: everything the rules look at. */
export interface InspectedHost extends DiscoveredHost {
  ports: PortProbeResult[];
  hints: ModelHints;
}

export interface VendorInfo {
  /** registrant name (first line of the IEEE entry), null when unknown or randomised */
  vendor: string | null;
  /** the registry prefix that matched, e.g. "F4F26D" */
  prefix: string | null;
  randomizedMac: boolean;
}
