import os from 'node:os';

/**
 * Linux's IPv4 routing table as /proc/net/route shows it. Addresses are 32-bit hex numbers in the
 * machine's own byte order (little-endian on x86 and ARM: "01004D0A" is 10.77.0.1).
 *
 *   Iface  Destination  Gateway   Flags  RefCnt  Use  Metric  Mask      MTU  Window  IRTT
 *   eth0   00000000     01004D0A  0003   0       0    0       00000000  0    0       0
 */

export interface RouteEntry {
  iface: string;
  destination: string;
  gateway: string;
  mask: string;
  metric: number;
  /** RTF_UP */
  up: boolean;
  /** RTF_GATEWAY: traffic goes via `gateway` */
  viaGateway: boolean;
}

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

function hexToAddress(hex: string, endianness: 'LE' | 'BE'): string | null {
  if (!/^[0-9a-fA-F]{8}$/.test(hex)) return null;
  const bytes = [0, 2, 4, 6].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return (endianness === 'LE' ? bytes.reverse() : bytes).join('.');
}

export function parseProcRoute(text: string, endianness: 'LE' | 'BE' = os.endianness()): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [iface, destinationHex, gatewayHex, flagsHex, , , metricText, maskHex] = fields;
    if (!iface || !destinationHex || !gatewayHex || !flagsHex || !maskHex) continue;
    const destination = hexToAddress(destinationHex, endianness);
    const gateway = hexToAddress(gatewayHex, endianness);
    const mask = hexToAddress(maskHex, endianness);
    const flags = Number.parseInt(flagsHex, 16);
    if (!destination || !gateway || !mask || Number.isNaN(flags)) continue;
    routes.push({
      iface, destination, gateway, mask,
      metric: Number(metricText ?? 0) || 0,
      up: (flags & RTF_UP) !== 0,
      viaGateway: (flags & RTF_GATEWAY) !== 0,
    });
  }
  return routes;
}

/** Gateways of the default routes that are up, best metric first. */
export function defaultGateways(routes: readonly RouteEntry[]): string[] {
  const gateways = routes
    .filter((route) => route.up && route.viaGateway && route.destination === '0.0.0.0' && route.mask === '0.0.0.0')
    .sort((a, b) => a.metric - b.metric)
    .map((route) => route.gateway);
  return [...new Set(gateways)];
}
