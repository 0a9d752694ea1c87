import ipaddr from 'ipaddr.js';

/**
 * Scan targets and the product's own guard: what may be scanned at all (SCAN_ALLOW) and how much
 * at once (SCAN_MAX_HOSTS). Everything is checked before a single packet is sent.
 */

export type TargetErrorKind = 'malformed' | 'refused' | 'too-large' | 'unsupported' | 'none';

export class TargetError extends Error {
  override name = 'TargetError';
  constructor(readonly kind: TargetErrorKind, message: string, readonly target?: string) {
    super(message);
  }
}

/** An inclusive run of IPv4 addresses as unsigned 32-bit numbers. */
export interface AddressRange {
  first: number;
  last: number;
}

export interface Target extends AddressRange {
  /** canonical spelling, e.g. "10.20.0.0/24", "10.20.0.7", "10.20.0.10-50" */
  spec: string;
}

export interface Cidr extends AddressRange {
  spec: string;
}

export interface TargetPolicy {
  allow: readonly Cidr[];
  maxHosts: number;
}

export interface TargetPlan {
  targets: string[];
  addresses: string[];
}

export const DEFAULT_ALLOW = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;
export const DEFAULT_MAX_HOSTS = 1024;

const EXPECTED_FORMS =
  'Use a network in CIDR form (10.20.0.0/24), a single address (10.20.0.7) or a range (10.20.0.10-50).';

export function toNumber(address: string): number {
  const [a, b, c, d] = ipaddr.IPv4.parse(address).octets as [number, number, number, number];
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

export function toAddress(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Orders dotted-quad addresses numerically (10.0.0.9 before 10.0.0.10). */
export function compareIp(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function isDottedQuad(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

function cidrRange(network: string, prefix: number): AddressRange {
  const size = 2 ** (32 - prefix);
  const first = Math.floor(toNumber(network) / size) * size;
  return { first, last: first + size - 1 };
}

/** Parses one CIDR of the allowlist (SCAN_ALLOW); throws a message naming the bad entry. */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  const match = /^([0-9.]+)\/(\d{1,2})$/.exec(trimmed);
  const prefix = match ? Number(match[2]) : NaN;
  if (!match || !isDottedQuad(match[1] ?? '') || prefix > 32) {
    throw new TargetError('malformed', `"${trimmed}" is not an IPv4 network in CIDR form (for example 10.0.0.0/8)`, trimmed);
  }
  const range = cidrRange(match[1] ?? '', prefix);
  return { ...range, spec: `${toAddress(range.first)}/${prefix}` };
}

function hostCountOf(range: AddressRange): number {
  return range.last - range.first + 1;
}

/** Parses one user-given target. Throws TargetError('malformed' | 'unsupported'). */
export function parseTarget(text: string): Target {
  const spec = text.trim();
  if (spec.includes(':')) {
    throw new TargetError('unsupported', `"${spec}" looks like IPv6. Only IPv4 networks can be scanned (device discovery uses ARP). ${EXPECTED_FORMS}`, spec);
  }
  const cidr = /^([0-9.]+)\/(\d{1,2})$/.exec(spec);
  if (cidr) {
    const prefix = Number(cidr[2]);
    if (!isDottedQuad(cidr[1] ?? '') || prefix > 32) {
      throw new TargetError('malformed', `"${spec}" is not a valid network. ${EXPECTED_FORMS}`, spec);
    }
    let { first, last } = cidrRange(cidr[1] ?? '', prefix);
    // The network and broadcast addresses of an ordinary subnet are not hosts.
    if (prefix <= 30) {
      first += 1;
      last -= 1;
    }
    const network = toAddress(cidrRange(cidr[1] ?? '', prefix).first);
    return { first, last, spec: `${network}/${prefix}` };
  }
  const range = /^([0-9.]+)-([0-9.]+)$/.exec(spec);
  if (range) {
    const start = range[1] ?? '';
    const endText = range[2] ?? '';
    if (!isDottedQuad(start)) throw new TargetError('malformed', `"${spec}" is not a valid range. ${EXPECTED_FORMS}`, spec);
    const first = toNumber(start);
    let last: number;
    if (/^\d{1,3}$/.test(endText) && Number(endText) <= 255) {
      last = (first & 0xffffff00) >>> 0;
      last += Number(endText);
    } else if (isDottedQuad(endText)) {
      last = toNumber(endText);
    } else {
      throw new TargetError('malformed', `"${spec}" is not a valid range. ${EXPECTED_FORMS}`, spec);
    }
    if (last < first) {
      throw new TargetError('malformed', `"${spec}" ends before it starts. ${EXPECTED_FORMS}`, spec);
    }
    const sameBlock = (first >>> 8) === (last >>> 8);
    return { first, last, spec: sameBlock ? `${start}-${last & 255}` : `${start}-${toAddress(last)}` };
  }
  if (isDottedQuad(spec)) {
    const value = toNumber(spec);
    return { first: value, last: value, spec: toAddress(value) };
  }
  throw new TargetError('malformed', `"${spec}" is not a target I understand. ${EXPECTED_FORMS}`, spec);
}

/** True when every address of the range lies in the union of the allowed networks. */
export function isCovered(range: AddressRange, allow: readonly AddressRange[]): boolean {
  let cursor = range.first;
  while (cursor <= range.last) {
    const cover = allow.find((net) => net.first <= cursor && cursor <= net.last);
    if (!cover) return false;
    cursor = cover.last + 1;
  }
  return true;
}

function describeAllow(allow: readonly Cidr[]): string {
  return allow.map((net) => net.spec).join(',');
}

/**
 * Validates targets against the policy and expands them to addresses, in order and without
 * duplicates. Refusals name the target and the variable to change; nothing has been sent.
 */
export function planTargets(specs: readonly string[], policy: TargetPolicy): TargetPlan {
  if (specs.length === 0) {
    throw new TargetError('none', `No target to scan. ${EXPECTED_FORMS}`);
  }
  const targets = specs.map(parseTarget);
  for (const target of targets) {
    if (!isCovered(target, policy.allow)) {
      throw new TargetError(
        'refused',
        `Refused ${target.spec}: it is outside the networks this bot may scan (SCAN_ALLOW=${describeAllow(policy.allow)}). ` +
          'Nothing was sent. If it is your own network, add it to SCAN_ALLOW.',
        target.spec,
      );
    }
  }
  const total = targets.reduce((sum, target) => sum + hostCountOf(target), 0);
  if (total > policy.maxHosts) {
    const what = targets.length === 1 ? `${targets[0]?.spec} has` : 'These targets have';
    throw new TargetError(
      'too-large',
      `${what} ${total.toLocaleString('en-US')} addresses; one scan may cover at most ${policy.maxHosts.toLocaleString('en-US')} (SCAN_MAX_HOSTS). ` +
        'Scan a smaller range (for example one /24) or raise SCAN_MAX_HOSTS.',
      targets.length === 1 ? targets[0]?.spec : undefined,
    );
  }
  const seen = new Set<number>();
  const addresses: string[] = [];
  for (const target of targets) {
    for (let value = target.first; value <= target.last; value += 1) {
      if (seen.has(value)) continue;
      seen.add(value);
      addresses.push(toAddress(value));
    }
  }
  return { targets: [...new Set(targets.map((t) => t.spec))], addresses };
}

export interface InterfaceAddress {
  address: string;
  netmask: string;
  family: string;
  internal: boolean;
}

/**
 * The IPv4 subnets of this machine's own interfaces (loopback excluded): what "scan" means with no
 * target. They still go through planTargets, so a public or oversized subnet is refused.
 */
export function interfaceSubnets(interfaces: Record<string, InterfaceAddress[] | undefined>): string[] {
  const subnets = new Set<string>();
  for (const addresses of Object.values(interfaces)) {
    for (const entry of addresses ?? []) {
      if (entry.internal || entry.family !== 'IPv4') continue;
      const prefix = ipaddr.IPv4.parse(entry.netmask).prefixLengthFromSubnetMask();
      if (prefix === null || prefix === 32) continue;
      const range = cidrRange(entry.address, prefix);
      subnets.add(`${toAddress(range.first)}/${prefix}`);
    }
  }
  return [...subnets];
}

export function parseAllowList(text: string | undefined): Cidr[] {
  const entries = (text ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  return (entries.length > 0 ? entries : [...DEFAULT_ALLOW]).map(parseCidr);
}
