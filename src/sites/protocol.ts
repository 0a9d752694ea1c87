import { z } from 'zod';
import type { ScanResult } from '../scanner/report-types';
import { SEVERITIES } from '../scanner/types';
import { isSiteName } from './names';

/**
 * What travels through Redis between the bot and the agents, validated with zod on both ends:
 * the agent trusts no job, the bot trusts no result. Sizes are bounded so a confused or hostile
 * peer cannot make the other side allocate without limit.
 */

export const PROTOCOL_VERSION = 1;

export const LIMITS = {
  targets: 64,
  targetLength: 64,
  /** largest serialised result an agent sends (it drops host rows to fit) and the bot accepts */
  resultBytes: 2 * 1024 * 1024,
  hosts: 65_536,
  findings: 65_536,
  advice: 256,
  text: 4_000,
  timeoutMs: 60 * 60_000,
} as const;

const siteName = z.string().refine(isSiteName, 'not a site name');
const text = (max: number = LIMITS.text) => z.string().max(max);

/**
 * A scan job. Strict: a field the agent does not know (say, a list of addresses) makes the job
 * invalid instead of being ignored. Only target specs travel; the agent expands and checks them
 * against its own SCAN_ALLOW.
 */
export const scanJobSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  site: siteName,
  targets: z.array(z.string().min(1).max(LIMITS.targetLength)).max(LIMITS.targets),
  timeoutMs: z.number().int().positive().max(LIMITS.timeoutMs),
  requestedBy: text(200),
  requestedAt: z.number().int().nonnegative(),
  /** after this the requester has given up: an agent that gets the job later drops it */
  expiresAt: z.number().int().nonnegative(),
});
export type ScanJobPayload = z.infer<typeof scanJobSchema>;

const count = z.number().int().nonnegative().max(1 << 24);

/** job.updateProgress payload: where the scan is, and which agent runs it. */
export const jobProgressSchema = z.strictObject({
  agent: text(200),
  phase: text(40),
  addressesTotal: count,
  hostsFound: count,
  hostsInspected: count,
});
export type JobProgressPayload = z.infer<typeof jobProgressSchema>;

const hostSchema = z.strictObject({
  ip: text(64),
  mac: text(64).nullable(),
  vendor: text(400).nullable(),
  tplink: z.boolean(),
  randomizedMac: z.boolean(),
  gateway: z.boolean(),
  openPorts: z.array(z.number().int().min(0).max(65535)).max(65536),
  model: text(400).nullable(),
  site: siteName.optional(),
});

const findingSchema = z.strictObject({
  id: text(200),
  severity: z.enum(SEVERITIES),
  ip: text(64),
  title: text(),
  evidence: text(),
  advice: z.array(text(200)).max(64),
  site: siteName.optional(),
});

const adviceSchema = z.strictObject({ id: text(200), title: text(), text: text(), url: text(2000) });

export const scanResultSchema = z.strictObject({
  targets: z.array(text(200)).max(LIMITS.targets * 4),
  startedAt: text(64),
  durationMs: z.number().nonnegative(),
  hosts: z.array(hostSchema).max(LIMITS.hosts),
  findings: z.array(findingSchema).max(LIMITS.findings),
  advice: z.array(adviceSchema).max(LIMITS.advice),
  partial: z.boolean().optional(),
});

/** The job's return value. */
export const jobResultSchema = z.strictObject({
  v: z.literal(PROTOCOL_VERSION),
  site: siteName,
  agent: text(200),
  result: scanResultSchema,
  /** host rows the agent left out to stay under LIMITS.resultBytes (their findings are kept) */
  droppedHosts: count.optional(),
});
export type JobResultPayload = z.infer<typeof jobResultSchema>;

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

function describe(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('; ');
}

export function parseScanJob(value: unknown): ScanJobPayload {
  const parsed = scanJobSchema.safeParse(value);
  if (!parsed.success) throw new ProtocolError(`invalid scan job: ${describe(parsed.error)}`);
  return parsed.data;
}

export function parseJobProgress(value: unknown): JobProgressPayload | null {
  const parsed = jobProgressSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** The bot's side: size first (before anything is walked), then shape. Accepts the JSON text or the parsed value. */
export function parseJobResult(value: unknown): JobResultPayload {
  const textForm = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  if (Buffer.byteLength(textForm) > LIMITS.resultBytes) {
    throw new ProtocolError(`scan result of ${Buffer.byteLength(textForm)} bytes is larger than the limit of ${LIMITS.resultBytes}`);
  }
  let data: unknown = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      throw new ProtocolError('scan result is not JSON');
    }
  }
  const parsed = jobResultSchema.safeParse(data);
  if (!parsed.success) throw new ProtocolError(`invalid scan result: ${describe(parsed.error)}`);
  return parsed.data;
}

/**
 * The agent's side: fits a result under the byte limit by dropping host rows, largest addresses
 * last; findings (what matters) stay. Returns the payload and how many rows were dropped.
 */
export function boundResult(site: string, agent: string, result: ScanResult): JobResultPayload {
  const payload: JobResultPayload = { v: PROTOCOL_VERSION, site, agent, result };
  let size = Buffer.byteLength(JSON.stringify(payload));
  if (size <= LIMITS.resultBytes) return payload;
  const hosts = [...result.hosts];
  let keep = hosts.length;
  while (size > LIMITS.resultBytes && keep > 0) {
    keep = Math.floor(keep * (LIMITS.resultBytes / size) * 0.95);
    const trimmed: ScanResult = { ...result, hosts: hosts.slice(0, keep), partial: true };
    payload.result = trimmed;
    payload.droppedHosts = hosts.length - keep;
    size = Buffer.byteLength(JSON.stringify(payload));
  }
  if (size > LIMITS.resultBytes) {
    // Even the findings alone are too large: keep the most severe ones (they are sorted that way).
    let findings = payload.result.findings;
    while (size > LIMITS.resultBytes && findings.length > 0) {
      findings = findings.slice(0, Math.floor(findings.length / 2));
      payload.result = { ...payload.result, findings };
      size = Buffer.byteLength(JSON.stringify(payload));
    }
  }
  return payload;
}
