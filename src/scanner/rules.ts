import { ContentError, type Content } from '../content/load';
import type { KevEntry, RuleEntry } from '../content/schema';
import type { Finding } from './report-types';
import { compileServiceNamer, printableBanner, type ServiceNamer } from './banner';
import type { InspectedHost, PortProbeResult } from './types';

/**
 * The rule engine: generic matching of content/rules.yaml against the facts known about a host.
 * It knows nothing of Quad7; the YAML does.
 */

/** What the rules can look at, beyond the raw probe results. */
export interface HostFacts {
  host: InspectedHost;
  vendor: string | null;
  /** family brand ("TP-Link", "Mercusys") or null */
  brand: string | null;
  tplink: boolean;
  router: boolean;
  /** one sentence: how the family membership was established */
  identifiedBy: string;
  model: string | null;
  modelSource: string | null;
  kev: KevEntry[];
}

const TEMPLATE_VARIABLES = [
  'ip', 'port', 'banner', 'service', 'brand', 'vendor', 'model', 'cves', 'hintSource', 'socksNote', 'identifiedBy', 'kevDetails',
] as const;
type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

interface CompiledRule {
  rule: RuleEntry;
  ports: number[] | null;
  banner: RegExp | null;
}

export interface RuleEngine {
  evaluate(facts: HostFacts): Finding[];
}

function checkTemplates(rule: RuleEntry): void {
  for (const template of [rule.title, rule.evidence]) {
    for (const [, name] of template.matchAll(/\{(\w+)\}/g)) {
      if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name ?? '')) {
        throw new ContentError(`rules.yaml: ${rule.id} uses unknown template variable {${name}}; known: ${TEMPLATE_VARIABLES.join(', ')}`);
      }
    }
  }
}

function render(template: string, values: Partial<Record<TemplateVariable, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: TemplateVariable) => values[name] ?? 'unknown');
}

function hostConditionsHold(rule: RuleEntry, facts: HostFacts): boolean {
  const wanted = rule.match.host;
  if (!wanted) return true;
  if (wanted.tplink !== undefined && wanted.tplink !== facts.tplink) return false;
  if (wanted.router !== undefined && wanted.router !== facts.router) return false;
  if (wanted.gateway !== undefined && wanted.gateway !== facts.host.gateway) return false;
  return true;
}

function portConditionsHold(compiled: CompiledRule, probe: PortProbeResult): boolean {
  const { match } = compiled.rule;
  if (probe.state !== 'open') return false;
  const silent = !probe.banner || probe.banner.length === 0;
  if (match.silent !== undefined && match.silent !== silent) return false;
  if (match.socks5 !== undefined && match.socks5 !== (probe.socks5 === true)) return false;
  if (compiled.banner && (silent || !compiled.banner.test(probe.banner!.toString('latin1')))) return false;
  return true;
}

function baseValues(facts: HostFacts): Partial<Record<TemplateVariable, string>> {
  return {
    ip: facts.host.ip,
    brand: facts.brand ?? 'unknown',
    vendor: facts.vendor ?? 'unknown vendor',
    model: facts.model ?? 'unknown model',
    hintSource: facts.modelSource ?? 'no hint',
    identifiedBy: facts.identifiedBy,
    cves: facts.kev.map((entry) => entry.cve).join(', '),
    kevDetails: facts.kev
      .map((entry) => `${entry.cve} (${entry.summary}; in KEV since ${entry.added})`)
      .join('; '),
  };
}

function portValues(probe: PortProbeResult, nameService: ServiceNamer): Partial<Record<TemplateVariable, string>> {
  return {
    port: String(probe.port),
    banner: printableBanner(probe.banner),
    service: nameService(probe.banner),
    socksNote: probe.socks5 ? ' and completes a SOCKS5 handshake (an open proxy)' : '',
  };
}

export function compileRules(content: Pick<Content, 'rules' | 'probes'>): RuleEngine {
  const nameService = compileServiceNamer(content.probes.services);
  const rules: CompiledRule[] = content.rules.map((rule) => {
    checkTemplates(rule);
    return {
      rule,
      ports: rule.match.port === undefined ? null : [rule.match.port].flat(),
      banner: rule.match.banner ? new RegExp(rule.match.banner) : null,
    };
  });

  return {
    evaluate(facts) {
      const findings: Finding[] = [];
      // Rules in one group are alternatives: the first match wins, per port for port rules.
      const claimed = new Set<string>();
      const fire = (compiled: CompiledRule, values: Partial<Record<TemplateVariable, string>>, slot: string): void => {
        const { rule } = compiled;
        if (rule.group) {
          const key = `${rule.group}:${slot}`;
          if (claimed.has(key)) return;
          claimed.add(key);
        }
        findings.push({
          id: rule.id,
          severity: rule.severity,
          ip: facts.host.ip,
          title: render(rule.title, values),
          evidence: render(rule.evidence, values),
          advice: [...rule.advice],
        });
      };

      for (const compiled of rules) {
        const { rule } = compiled;
        if (!hostConditionsHold(rule, facts)) continue;
        if (rule.match.kev !== undefined && rule.match.kev !== facts.kev.length > 0) continue;
        const base = baseValues(facts);
        if (compiled.ports === null) {
          fire(compiled, base, 'host');
          continue;
        }
        for (const port of compiled.ports) {
          const probe = facts.host.ports.find((p) => p.port === port);
          if (!probe || !portConditionsHold(compiled, probe)) continue;
          fire(compiled, { ...base, ...portValues(probe, nameService) }, String(port));
        }
      }
      return findings;
    },
  };
}
