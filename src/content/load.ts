import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import {
  adviceFileSchema, familiesFileSchema, kevFileSchema, probesFileSchema, rulesFileSchema,
  type AdviceFile, type FamiliesFile, type KevFile, type ProbesFile, type RulesFile,
} from './schema';
import { CONTENT_DIR } from '../paths';

/** The detection content, validated and cross-checked. */
export interface Content {
  advice: AdviceFile['advice'];
  families: FamiliesFile;
  probes: ProbesFile;
  rules: RulesFile['rules'];
  kev: KevFile['kev'];
}

/** Raised for a content file that does not validate: names the file and the field. */
export class ContentError extends Error {
  override name = 'ContentError';
}

function readValidated<S extends z.ZodType>(dir: string, file: string, schema: S): z.infer<S> {
  const fullPath = path.join(dir, file);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(fullPath, 'utf8'));
  } catch (error) {
    throw new ContentError(`${fullPath}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`)
      .join('; ');
    throw new ContentError(`${fullPath}: ${problems}`);
  }
  return parsed.data;
}

function crossCheck(content: Content, dir: string): void {
  const problems: string[] = [];
  const adviceIds = new Set<string>();
  for (const item of content.advice) {
    if (adviceIds.has(item.id)) problems.push(`advice.yaml: duplicate id ${item.id}`);
    adviceIds.add(item.id);
  }
  const ruleIds = new Set<string>();
  const probedPorts = new Set(content.probes.ports.map((p) => p.port));
  for (const rule of content.rules) {
    if (ruleIds.has(rule.id)) problems.push(`rules.yaml: duplicate id ${rule.id}`);
    ruleIds.add(rule.id);
    for (const adviceId of rule.advice) {
      if (!adviceIds.has(adviceId)) problems.push(`rules.yaml: ${rule.id} names unknown advice ${adviceId}`);
    }
    const ports = rule.match.port === undefined ? [] : [rule.match.port].flat();
    for (const port of ports) {
      // A rule on a port nobody probes could never fire: a silent gap in coverage.
      if (!probedPorts.has(port)) problems.push(`rules.yaml: ${rule.id} needs port ${port}, which probes.yaml does not probe`);
    }
  }
  if (problems.length > 0) throw new ContentError(`content in ${dir}: ${problems.join('; ')}`);
}

const cache = new Map<string, Content>();

/** Loads every content file once per directory; throws ContentError naming the bad file and field. */
export function loadContent(dir?: string): Content {
  const resolved = dir ?? CONTENT_DIR;
  const cached = cache.get(resolved);
  if (cached) return cached;
  const content: Content = {
    advice: readValidated(resolved, 'advice.yaml', adviceFileSchema).advice,
    families: readValidated(resolved, 'families.yaml', familiesFileSchema),
    probes: readValidated(resolved, 'probes.yaml', probesFileSchema),
    rules: readValidated(resolved, 'rules.yaml', rulesFileSchema).rules,
    kev: readValidated(resolved, 'kev.yaml', kevFileSchema).kev,
  };
  crossCheck(content, resolved);
  cache.set(resolved, content);
  return content;
}
