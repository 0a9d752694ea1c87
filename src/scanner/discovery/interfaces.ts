import os from 'node:os';
import ipaddr from 'ipaddr.js';

/** An IPv4 subnet this machine sits on directly (one of its interfaces, loopback excluded). */
export interface LocalSubnet {
  iface: string;
  /** this machine's own address in it */
  address: string;
  network: ipaddr.IPv4;
  prefixLength: number;
}

type InterfaceTable = ReturnType<typeof os.networkInterfaces>;

export function localSubnets(table: InterfaceTable = os.networkInterfaces()): LocalSubnet[] {
  const subnets: LocalSubnet[] = [];
  for (const [iface, addresses] of Object.entries(table)) {
    for (const info of addresses ?? []) {
      if (info.family !== 'IPv4' || info.internal || !info.cidr) continue;
      const [network, prefixLength] = ipaddr.IPv4.parseCIDR(info.cidr);
      // A /32 (point-to-point, some VPNs) has no neighbours to ask by ARP.
      if (prefixLength >= 32) continue;
      subnets.push({ iface, address: info.address, network, prefixLength });
    }
  }
  return subnets;
}

export interface AddressPlan {
  /** on one of our subnets: found by ARP */
  onLink: string[];
  /** elsewhere: found by TCP connect through the router */
  routed: string[];
  /** not sent anything: our own addresses, and the network/broadcast address of our subnets */
  skipped: string[];
}

/** Splits the requested addresses by how they can be found. Malformed entries are skipped. */
export function planAddresses(addresses: readonly string[], subnets: readonly LocalSubnet[]): AddressPlan {
  const plan: AddressPlan = { onLink: [], routed: [], skipped: [] };
  const own = new Set(subnets.map((subnet) => subnet.address));
  for (const text of addresses) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(text)) {
      plan.skipped.push(text);
      continue;
    }
    const address = ipaddr.IPv4.parse(text);
    const subnet = subnets.find((s) => address.match(s.network, s.prefixLength));
    if (own.has(text)) {
      plan.skipped.push(text);
    } else if (!subnet) {
      plan.routed.push(text);
    } else if (subnet.prefixLength <= 30 && isNetworkOrBroadcast(address, subnet)) {
      plan.skipped.push(text);
    } else {
      plan.onLink.push(text);
    }
  }
  return plan;
}

function isNetworkOrBroadcast(address: ipaddr.IPv4, subnet: LocalSubnet): boolean {
  // The host part is all zeros (network) or all ones (broadcast).
  const value = address.octets.reduce((n, octet) => n * 256 + octet, 0);
  const size = 2 ** (32 - subnet.prefixLength);
  const host = value % size;
  return host === 0 || host === size - 1;
}
