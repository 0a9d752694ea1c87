import { z } from 'zod';
import { SEVERITIES } from '../scanner/types';

/** A non-empty string that must compile as a regular expression (checked at load, not at match time). */
export const regexSource = z.string().min(1).refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const port = z.number().int().min(1).max(65535);
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case words joined by hyphens');

export const adviceFileSchema = z.object({
  advice: z.array(
    z.object({
      id,
      topic: z.enum(['router', 'identity']),
      title: z.string().min(1),
      text: z.string().min(1),
      url: z.url(),
    }).strict(),
  ).min(1),
}).strict();

export const familiesFileSchema = z.object({
  family: z.object({
    name: z.string(),
    members: z.array(z.object({
      brand: z.string(),
      registrantPattern: regexSource,
      knownRegistrants: z.array(z.string()).default([]),
    }).strict()).min(1),
    hintPatterns: z.array(regexSource),
  }).strict(),
  routers: z.object({
    vendorPatterns: z.array(regexSource),
    upnpDeviceTypePattern: regexSource,
  }).strict(),
}).strict();

export const probeKinds = ['banner', 'socks5', 'http', 'https'] as const;
export type ProbeKind = (typeof probeKinds)[number];

export const probesFileSchema = z.object({
  timeouts: z.object({
    connectMs: z.number().int().positive(),
    bannerMs: z.number().int().positive(),
    httpMs: z.number().int().positive(),
    ssdpMs: z.number().int().positive(),
  }).strict(),
  ports: z.array(z.object({ port, kind: z.enum(probeKinds), why: z.string() }).strict()).min(1),
  reachabilityPorts: z.array(port).min(1),
  services: z.array(z.object({ pattern: regexSource, flags: z.string().optional(), name: z.string() }).strict()),
}).strict();

export const rulesFileSchema = z.object({
  rules: z.array(z.object({
    id,
    severity: z.enum(SEVERITIES),
    group: z.string().optional(),
    match: z.object({
      port: z.union([port, z.array(port).min(1)]).optional(),
      banner: regexSource.optional(),
      silent: z.boolean().optional(),
      socks5: z.boolean().optional(),
      host: z.object({
        tplink: z.boolean().optional(),
        router: z.boolean().optional(),
        gateway: z.boolean().optional(),
      }).strict().optional(),
      kev: z.boolean().optional(),
    }).strict(),
    title: z.string().min(1),
    evidence: z.string().min(1),
    advice: z.array(id).min(1),
    references: z.array(z.url()).default([]),
  }).strict()).min(1),
}).strict();

export const kevFileSchema = z.object({
  kev: z.array(z.object({
    cve: z.string().regex(/^CVE-\d{4}-\d{4,}$/),
    added: z.union([z.string(), z.date()]).transform((value) =>
      value instanceof Date ? value.toISOString().slice(0, 10) : value),
    summary: z.string(),
    modelPattern: regexSource,
    endOfLife: z.boolean(),
  }).strict()),
}).strict();

export type AdviceFile = z.infer<typeof adviceFileSchema>;
export type AdviceEntry = AdviceFile['advice'][number];
export type FamiliesFile = z.infer<typeof familiesFileSchema>;
export type ProbesFile = z.infer<typeof probesFileSchema>;
export type RulesFile = z.infer<typeof rulesFileSchema>;
export type RuleEntry = RulesFile['rules'][number];
export type KevFile = z.infer<typeof kevFileSchema>;
export type KevEntry = KevFile['kev'][number];
