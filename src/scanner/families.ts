import type { FamiliesFile } from '../content/schema';
import type { ModelHints } from './types';

/**
 * TP-Link family membership and "is this a router", decided from registrant names and device
 * hints with the patterns in content/families.yaml.
 */

/** "TP-LINK TECHNOLOGIES CO.,LTD." → "tp link technologies co ltd" */
export function normaliseRegistrant(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

export interface FamilyMatcher {
  /** the brand ("TP-Link", "Mercusys") whose registrant pattern matches, or null */
  brandOfRegistrant(registrant: string | null): string | null;
  /** the first hint text that names a family device, with where it came from */
  familyHint(hints: ModelHints): { brand: string; text: string; source: string } | null;
  isRouterVendor(registrant: string | null): boolean;
  isGatewayDeviceType(deviceType: string | undefined): boolean;
}

/** Hint texts in the order we trust them, each with a description of its source. */
export function hintTexts(hints: ModelHints): Array<{ text: string; source: string }> {
  const texts: Array<{ text: string; source: string }> = [];
  const upnp = [hints.upnpManufacturer, hints.upnpModelName, hints.upnpModelNumber].filter(Boolean).join(' ');
  if (upnp) texts.push({ text: upnp, source: 'its UPnP description' });
  if (hints.httpTitle) texts.push({ text: hints.httpTitle, source: `its web page title on port ${hints.httpPort ?? 80}` });
  if (hints.httpServer) texts.push({ text: hints.httpServer, source: `its HTTP Server header on port ${hints.httpPort ?? 80}` });
  // Older TP-Link firmware names the model in its login realm ("TP-LINK Wireless N Router WR841N").
  if (hints.httpRealm) texts.push({ text: hints.httpRealm, source: `its login prompt on port ${hints.httpPort ?? 80}` });
  return texts;
}

export function compileFamilies(file: FamiliesFile): FamilyMatcher {
  const members = file.family.members.map((member) => ({ brand: member.brand, pattern: new RegExp(member.registrantPattern) }));
  const hintPatterns = file.family.hintPatterns.map((source) => new RegExp(source, 'i'));
  const routerPatterns = file.routers.vendorPatterns.map((source) => new RegExp(source));
  const gatewayType = new RegExp(file.routers.upnpDeviceTypePattern, 'i');
  const brandByHint = (text: string): string =>
    /mercusys/i.test(text) ? (members.find((m) => /mercusys/i.test(m.brand))?.brand ?? file.family.name) : file.family.name;

  return {
    brandOfRegistrant(registrant) {
      if (!registrant) return null;
      const normalised = normaliseRegistrant(registrant);
      return members.find((member) => member.pattern.test(normalised))?.brand ?? null;
    },
    familyHint(hints) {
      for (const { text, source } of hintTexts(hints)) {
        if (hintPatterns.some((pattern) => pattern.test(text))) return { brand: brandByHint(text), text, source };
      }
      return null;
    },
    isRouterVendor(registrant) {
      if (!registrant) return false;
      const normalised = normaliseRegistrant(registrant);
      return routerPatterns.some((pattern) => pattern.test(normalised));
    },
    isGatewayDeviceType(deviceType) {
      return deviceType !== undefined && gatewayType.test(deviceType);
    },
  };
}
