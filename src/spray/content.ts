import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ContentError } from '../content/load';
import { adviceFileSchema, regexSource } from '../content/schema';
import { CONTENT_DIR } from '../paths';
import { SEVERITIES } from '../scanner/types';
import { AUTH_RESULTS, LOG_FAMILIES, type AuthResult } from './types';

/** content/spray.yaml: thresholds, result-code lists and field maps, validated at load. */

const result = z.enum(AUTH_RESULTS);
const results = z.array(result).min(1);
const positive = z.number().positive();
const count = z.number().int().min(1);
const paths = z.array(z.string()).min(1);
const codeList = z.array(z.union([z.string(), z.number()]).transform(String));
const codeTable = z.partialRecord(result, codeList);
const adviceIds = z.array(z.string().min(1));

const FINDING_IDS = [
  'spray-single-source', 'spray-distributed', 'spray-success-after-spray', 'spray-brute-force',
  'spray-lockout-burst', 'spray-enumeration', 'spray-source-on-lan', 'spray-signin-from-quad7-site',
] as const;
export type SprayFindingId = (typeof FINDING_IDS)[number];

/** What a finding title may use. */
export const TEMPLATE_VARIABLES = ['source', 'accounts', 'sources', 'attempts', 'account', 'outcome', 'when', 'window', 'app', 'lanHost', 'router'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const findingDef = z.object({
  severity: z.enum(SEVERITIES),
  title: z.string().min(1),
  advice: adviceIds.min(1),
}).strict();

export const sprayFileSchema = z.object({
  classes: z.object({
    sprayFailure: results,
    passwordRight: results,
    enumeration: results,
  }).strict(),
  thresholds: z.object({
    typoCorrectionMinutes: z.number().min(0),
    singleSource: z.object({
      windows: z.array(z.object({ minutes: positive, minAccounts: count }).strict()).min(1),
      maxMedianAttemptsPerAccount: positive,
      minFailingToSucceedingRatio: z.number().min(0),
    }).strict(),
    bruteForce: z.object({ minFailures: count, minPerHour: positive }).strict(),
    distributed: z.object({
      maxAttemptsPerPair: count,
      maxFailuresPerSourcePerDay: count,
      clusterBy: z.array(z.enum(['app', 'result', 'code'])),
      minSourcesPerAccount: count,
      minAccounts: count,
      minSources: count,
    }).strict(),
    successAfterSpray: z.object({ slackMinutes: z.number().min(0) }).strict(),
    lockoutBurst: z.object({ windowMinutes: positive, minAccounts: count }).strict(),
    enumeration: z.object({ minAccounts: count }).strict(),
  }).strict(),
  report: z.object({
    maxListed: count,
    samples: z.number().int().min(0),
    malformedSamples: z.number().int().min(0),
    malformedSampleChars: count,
  }).strict(),
  ignoreAccounts: z.array(regexSource),
  legacyAuthApps: z.array(regexSource),
  codes: z.object({
    entra: codeTable,
    windows: codeTable,
    m365LogonError: codeTable,
    words: codeTable,
  }).strict(),
  fields: z.object({
    entra: z.object({
      json: z.object({ time: paths, account: paths, ip: paths, code: paths, status: paths, app: paths }).strict(),
      csv: z.object({ time: paths, account: paths, ip: paths, code: paths, status: paths, app: paths }).strict(),
    }).strict(),
    m365: z.object({
      json: z.object({
        time: paths, account: paths, ip: paths, code: paths, reason: paths, operation: paths, status: paths, app: paths,
      }).strict(),
      csv: z.object({ time: paths, account: paths, operation: paths, auditData: paths }).strict(),
      operations: z.record(z.string(), z.enum(['failure', 'success'])),
    }).strict(),
    windows: z.object({
      json: z.object({ eventId: paths, time: paths, data: paths, ecsAccount: paths, ecsIp: paths }).strict(),
      data: z.object({
        account: paths, domain: paths, ip: paths, workstation: paths, status: paths, subStatus: paths, logonType: paths,
      }).strict(),
      events: z.record(z.string().regex(/^\d+$/, 'event ids are numbers'), z.object({
        kind: z.enum(['success', 'failure', 'lockout', 'status']),
        app: z.string().min(1),
      }).strict()),
      successLogonTypes: z.array(z.union([z.string(), z.number()]).transform(String)),
    }).strict(),
    journald: z.object({ message: paths, timeMicros: paths, identifier: paths, pid: paths }).strict(),
  }).strict(),
  sshd: z.object({
    programs: z.array(z.string().min(1)).min(1),
    messages: z.array(z.object({
      code: z.string().min(1),
      result,
      pattern: regexSource.refine((source) => source.includes('(?<user>') && source.includes('(?<ip>'), {
        message: 'needs the named groups (?<user>…) and (?<ip>…)',
      }),
      heldPerPid: z.boolean().optional(),
    }).strict()).min(1),
  }).strict(),
  findings: z.object(Object.fromEntries(FINDING_IDS.map((id) => [id, findingDef])) as Record<SprayFindingId, typeof findingDef>).strict(),
  adviceIf: z.object({ legacyAuth: adviceIds }).extend(
    Object.fromEntries(LOG_FAMILIES.map((family) => [family, adviceIds])) as Record<(typeof LOG_FAMILIES)[number], typeof adviceIds>,
  ).strict(),
  correlation: z.object({
    quad7FindingPattern: regexSource,
    minSeverity: z.enum(SEVERITIES),
  }).strict(),
}).strict();

export type SprayFile = z.infer<typeof sprayFileSchema>;
export type CodeTable = z.infer<typeof codeTable>;

/** spray.yaml after validation, with the lookups the hot path needs built once. */
export interface SprayContent {
  file: SprayFile;
  sprayFailure: ReadonlySet<AuthResult>;
  passwordRight: ReadonlySet<AuthResult>;
  enumeration: ReadonlySet<AuthResult>;
  entraCodes: ReadonlyMap<string, AuthResult>;
  windowsCodes: ReadonlyMap<string, AuthResult>;
  m365LogonErrors: ReadonlyMap<string, AuthResult>;
  words: ReadonlyMap<string, AuthResult>;
  ignoreAccount: (account: string) => boolean;
  legacyApp: (app: string) => boolean;
  /** advice ids known in advice.yaml, for the findings' cross-check */
  adviceIds: ReadonlySet<string>;
  source: string;
}

function problemsOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');
}

function readYaml(fullPath: string): unknown {
  try {
    return parseYaml(readFileSync(fullPath, 'utf8'));
  } catch (error) {
    throw new ContentError(`${fullPath}: ${(error as Error).message}`);
  }
}

/** Hex codes compare without case and without leading zeros after 0x: 0xC000006A = 0xc000006a, 0x00000018 = 0x18. */
export function normaliseCode(code: string): string {
  const lower = code.trim().toLowerCase();
  if (lower.startsWith('0x')) {
    const digits = lower.slice(2).replace(/^0+(?=.)/, '');
    return `0x${digits}`;
  }
  return lower;
}

/** Words compare as lower-case letters and digits only: "Bad password" = "badpassword". */
export function normaliseWord(word: string): string {
  return word.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function tableToMap(table: CodeTable, key: (code: string) => string, where: string, problems: string[]): Map<string, AuthResult> {
  const map = new Map<string, AuthResult>();
  // iterate the AUTH_RESULTS literals (not the YAML's strings): the hot path then compares and
  // looks up interned strings
  for (const cls of AUTH_RESULTS) {
    for (const code of table[cls] ?? []) {
      const k = key(code);
      const existing = map.get(k);
      if (existing && existing !== cls) problems.push(`${where}: ${code} is listed as both ${existing} and ${cls}`);
      map.set(k, cls);
    }
  }
  return map;
}

function anyMatcher(sources: string[], flags: string): (text: string) => boolean {
  if (sources.length === 0) return () => false;
  const pattern = new RegExp(sources.map((s) => `(?:${s})`).join('|'), flags);
  return (text) => pattern.test(text);
}

function compile(file: SprayFile, adviceIdsKnown: Set<string>, fullPath: string): SprayContent {
  const problems: string[] = [];
  const checkAdvice = (ids: string[], where: string): void => {
    for (const id of ids) if (!adviceIdsKnown.has(id)) problems.push(`${where} names unknown advice ${id}`);
  };
  for (const [id, def] of Object.entries(file.findings)) {
    checkAdvice(def.advice, `findings.${id}.advice`);
    for (const [, name] of def.title.matchAll(/\{(\w+)\}/g)) {
      if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name ?? '')) {
        problems.push(`findings.${id}.title uses unknown variable {${name}}; known: ${TEMPLATE_VARIABLES.join(', ')}`);
      }
    }
  }
  for (const [key, ids] of Object.entries(file.adviceIf)) checkAdvice(ids, `adviceIf.${key}`);
  const content: SprayContent = {
    file,
    sprayFailure: new Set(file.classes.sprayFailure),
    passwordRight: new Set(file.classes.passwordRight),
    enumeration: new Set(file.classes.enumeration),
    entraCodes: tableToMap(file.codes.entra, (c) => c.trim(), 'codes.entra', problems),
    windowsCodes: tableToMap(file.codes.windows, normaliseCode, 'codes.windows', problems),
    m365LogonErrors: tableToMap(file.codes.m365LogonError, (c) => c.trim().toLowerCase(), 'codes.m365LogonError', problems),
    words: tableToMap(file.codes.words, normaliseWord, 'codes.words', problems),
    ignoreAccount: anyMatcher(file.ignoreAccounts, 'i'),
    legacyApp: anyMatcher(file.legacyAuthApps, 'i'),
    adviceIds: adviceIdsKnown,
    source: fullPath,
  };
  for (const cls of file.classes.passwordRight) {
    if (file.classes.sprayFailure.includes(cls)) problems.push(`classes: ${cls} cannot be both a spray failure and password-right`);
  }
  if (problems.length > 0) throw new ContentError(`${fullPath}: ${problems.join('; ')}`);
  return content;
}

const cache = new Map<string, SprayContent>();

/**
 * Loads content/spray.yaml (and advice.yaml for the advice cross-check) once per directory.
 * Throws ContentError naming the file and the field.
 */
export function loadSprayContent(dir?: string): SprayContent {
  const resolved = dir ?? CONTENT_DIR;
  const cached = cache.get(resolved);
  if (cached) return cached;
  const sprayPath = path.join(resolved, 'spray.yaml');
  const parsed = sprayFileSchema.safeParse(readYaml(sprayPath));
  if (!parsed.success) throw new ContentError(`${sprayPath}: ${problemsOf(parsed.error)}`);
  const advicePath = path.join(resolved, 'advice.yaml');
  const advice = adviceFileSchema.safeParse(readYaml(advicePath));
  if (!advice.success) throw new ContentError(`${advicePath}: ${problemsOf(advice.error)}`);
  const content = compile(parsed.data, new Set(advice.data.advice.map((a) => a.id)), sprayPath);
  cache.set(resolved, content);
  return content;
}
