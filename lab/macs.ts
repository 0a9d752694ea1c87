/**
 * MAC addresses for lab devices, taken from the real IEEE registry so the scanner's vendor lookup
 * has to do its actual job. Independent of src/scanner/vendor.ts on purpose: the lab is the
 * ground truth the scanner is tested against.
 */

type Registry = Record<string, string>;

let registry: Registry | undefined;
const prefixCache = new Map<string, string>();

function loadRegistry(): Registry {
  registry ??= require('oui-data') as Registry;
  return registry;
}

function registrantOf(entry: string): string {
  return (entry.split('\n')[0] ?? '').trim();
}

/**
 * The first (sorted) MA-L prefix registered to exactly this name that has no longer MA-M/MA-S
 * registration inside it, so every MAC under it belongs to that registrant.
 */
export function maLPrefixOf(registrant: string): string {
  const cached = prefixCache.get(registrant);
  if (cached) return cached;
  const entries = loadRegistry();
  const keys = Object.keys(entries);
  const longer = keys.filter((key) => key.length > 6);
  const candidates = keys
    .filter((key) => key.length === 6 && registrantOf(entries[key] ?? '') === registrant)
    .filter((key) => !longer.some((other) => other.startsWith(key)))
    // Multicast prefixes (bit 0x01) cannot be unicast MACs; none is registered, but be sure.
    .filter((key) => (parseInt(key.slice(0, 2), 16) & 0x03) === 0)
    .sort();
  const prefix = candidates[0];
  if (!prefix) throw new Error(`lab: no MA-L prefix in oui-data is registered to "${registrant}"`);
  prefixCache.set(registrant, prefix);
  return prefix;
}

function hex2(value: number): string {
  return (value & 0xff).toString(16).padStart(2, '0');
}

/** A MAC of the given registrant, e.g. vendorMac('Dell Inc.', 7) → "10:65:30:00:00:07". */
export function vendorMac(registrant: string, serial: number): string {
  const prefix = maLPrefixOf(registrant).toLowerCase();
  const octets = [prefix.slice(0, 2), prefix.slice(2, 4), prefix.slice(4, 6), hex2(serial >> 16), hex2(serial >> 8), hex2(serial)];
  return octets.join(':');
}

/** A locally administered ("randomised") unicast MAC, as phones and laptops use on Wi-Fi. */
export function randomizedMac(serial: number): string {
  return ['da', 'a1', '19', hex2(serial >> 16), hex2(serial >> 8), hex2(serial)].join(':');
}
