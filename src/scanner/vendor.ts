import type { VendorInfo } from './types';

/**
 * Vendor names from the IEEE registry as shipped by `oui-data`: keys are upper-case hex without
 * separators, 9 digits for MA-S (36-bit), 7 for MA-M (28-bit), 6 for MA-L (24-bit).
 */
type Registry = Record<string, string>;

let registry: Registry | undefined;

function loadRegistry(): Registry {
  // Several MB of JSON: load on first use, not at import time (help/advice never need it).
  registry ??= require('oui-data') as Registry;
  return registry;
}

/** Longest registrations first: an MA-S block inside an MA-L block belongs to the MA-S owner. */
const PREFIX_DIGITS = [9, 7, 6] as const;

/** "F4-F2-6D-11-22-33", "f4f2.6d11.2233", "f4:f2:6d:11:22:33" → "f4:f2:6d:11:22:33"; null if not a MAC. */
export function normaliseMac(text: string | null | undefined): string | null {
  if (!text) return null;
  const hex = text.replace(/[:\-.\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** Bit 0x02 of the first octet: set by phones, laptops and VMs that randomise their MAC. */
export function isLocallyAdministered(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 0x02) !== 0;
}

/** First line of a registry entry: the registrant's name. */
function registrantName(entry: string): string {
  const newline = entry.indexOf('\n');
  return (newline === -1 ? entry : entry.slice(0, newline)).trim();
}

export function lookupVendor(macText: string | null, registryOverride?: Registry): VendorInfo {
  const mac = normaliseMac(macText);
  if (!mac) return { vendor: null, prefix: null, randomizedMac: false };
  if (isLocallyAdministered(mac)) return { vendor: null, prefix: null, randomizedMac: true };
  const entries = registryOverride ?? loadRegistry();
  const hex = mac.replace(/:/g, '').toUpperCase();
  for (const digits of PREFIX_DIGITS) {
    const prefix = hex.slice(0, digits);
    const entry = entries[prefix];
    if (entry !== undefined) return { vendor: registrantName(entry), prefix, randomizedMac: false };
  }
  return { vendor: null, prefix: null, randomizedMac: false };
}

/** Every registry prefix whose registrant satisfies the predicate (used to count families). */
export function prefixesWhere(predicate: (registrant: string) => boolean): string[] {
  return Object.entries(loadRegistry())
    .filter(([, entry]) => predicate(registrantName(entry)))
    .map(([prefix]) => prefix);
}
