import type { Content } from '../content/load';
import type { KevEntry } from '../content/schema';
import { compileFamilies, hintTexts, type FamilyMatcher } from './families';
import type { AdviceItem, Finding, HostRecord } from './report-types';
import { compileRules, type HostFacts, type RuleEngine } from './rules';
import { severityRank, type InspectedHost, type ModelHints } from './types';
import { lookupVendor, normaliseMac } from './vendor';
import { compareIp } from './targets';

/**
 * From a probed host to its report record and findings: vendor, family, model, KEV, rules.
 * Pure: no I/O beyond the registry lookup, so every decision is unit-testable.
 */

export interface Assessment {
  record: HostRecord;
  findings: Finding[];
}

interface Compiled {
  families: FamilyMatcher;
  rules: RuleEngine;
  kev: Array<{ entry: KevEntry; pattern: RegExp }>;
}

const compiledByContent = new WeakMap<Content, Compiled>();

function compiledFor(content: Content): Compiled {
  let compiled = compiledByContent.get(content);
  if (!compiled) {
    compiled = {
      families: compileFamilies(content.families),
      rules: compileRules(content),
      kev: content.kev.map((entry) => ({ entry, pattern: new RegExp(entry.modelPattern, 'i') })),
    };
    compiledByContent.set(content, compiled);
  }
  return compiled;
}

/** The best model name a device offers: UPnP first, then its web page title. */
export function modelFromHints(hints: ModelHints): { model: string; source: string } | null {
  if (hints.upnpModelName) {
    const number = hints.upnpModelNumber;
    const model = number && !hints.upnpModelName.includes(number) ? `${hints.upnpModelName} ${number}` : hints.upnpModelName;
    return { model, source: 'its UPnP description' };
  }
  if (hints.httpTitle) {
    return { model: hints.httpTitle.slice(0, 80), source: `its web page title on port ${hints.httpPort ?? 80}` };
  }
  return null;
}

function formatPrefix(prefix: string): string {
  return prefix.match(/.{1,2}/g)!.join(':');
}

export function assessHost(host: InspectedHost, content: Content): Assessment {
  const { families, rules, kev } = compiledFor(content);
  const mac = normaliseMac(host.mac);
  const vendorInfo = lookupVendor(mac);
  const registrantBrand = families.brandOfRegistrant(vendorInfo.vendor);
  const hint = registrantBrand ? null : families.familyHint(host.hints);
  const brand = registrantBrand ?? hint?.brand ?? null;

  let identifiedBy = '';
  if (registrantBrand && vendorInfo.prefix) {
    identifiedBy = `MAC prefix ${formatPrefix(vendorInfo.prefix)} is registered to "${vendorInfo.vendor}"`;
  } else if (hint) {
    const why = vendorInfo.randomizedMac ? 'the MAC is randomised' : mac ? 'the MAC prefix is not TP-Link\'s' : 'no MAC is visible from here';
    identifiedBy = `${hint.source} names "${hint.text}" (${why})`;
  }

  const model = modelFromHints(host.hints);
  // KEV models are matched against every hint text, not just the chosen model string.
  const texts = hintTexts(host.hints);
  const kevHits = brand
    ? kev.flatMap(({ entry, pattern }) => {
        const hit = texts.find(({ text }) => pattern.test(text));
        return hit ? [{ entry, hit }] : [];
      })
    : [];
  const kevMatches = kevHits.map(({ entry }) => entry);
  const kevSource = kevHits[0]?.hit;

  const router =
    host.gateway ||
    brand !== null ||
    families.isRouterVendor(vendorInfo.vendor) ||
    families.isGatewayDeviceType(host.hints.upnpDeviceType);

  const facts: HostFacts = {
    host,
    vendor: vendorInfo.vendor,
    brand,
    tplink: brand !== null,
    router,
    identifiedBy,
    model: kevSource?.text ?? model?.model ?? null,
    modelSource: kevSource?.source ?? model?.source ?? null,
    kev: kevMatches,
  };

  const record: HostRecord = {
    ip: host.ip,
    mac,
    vendor: vendorInfo.vendor,
    tplink: brand !== null,
    randomizedMac: vendorInfo.randomizedMac,
    gateway: host.gateway,
    openPorts: host.ports.filter((p) => p.state === 'open').map((p) => p.port).sort((a, b) => a - b),
    model: model?.model ?? null,
  };
  return { record, findings: rules.evaluate(facts) };
}

export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(a.severity) - severityRank(b.severity) || compareIp(a.ip, b.ip) || a.id.localeCompare(b.id);
}

/** The advice the findings point to, most urgent first, each item once. */
export function adviceFor(findings: readonly Finding[], content: Content): AdviceItem[] {
  const byId = new Map(content.advice.map((item) => [item.id, item]));
  const ids = new Set<string>();
  for (const finding of [...findings].sort(compareFindings)) {
    for (const id of finding.advice) ids.add(id);
  }
  return [...ids].flatMap((id) => {
    const item = byId.get(id);
    return item ? [{ id: item.id, title: item.title, text: item.text, url: item.url }] : [];
  });
}
