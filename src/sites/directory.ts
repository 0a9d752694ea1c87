import type { RedisClient } from 'bullmq';
import { z } from 'zod';
import { AGENTS_KEY, agentField, aliveKey, isSiteName } from './names';

/**
 * Who is out there: each agent writes its record (site, name, version, …) and renews an "alive"
 * key on every heartbeat. Liveness is the key's expiry on the Redis clock, so a bot and an agent
 * whose clocks disagree still agree on who is alive. Records stay after an agent dies, which is
 * how the bot can say "no agent for berlin since 10:42".
 */

export const agentRecordSchema = z.object({
  site: z.string().refine(isSiteName),
  name: z.string().min(1).max(200),
  /** random per process: tells a restarted agent from its predecessor */
  instance: z.string().max(64),
  hostname: z.string().max(200),
  pid: z.number().int(),
  version: z.string().max(64),
  startedAt: z.number(),
  /** agent clock, ms since the epoch: for display only */
  lastSeen: z.number(),
  heartbeatMs: z.number().int().positive(),
  concurrency: z.number().int().positive(),
  running: z.number().int().nonnegative(),
  /** the agent's own SCAN_ALLOW */
  allow: z.array(z.string().max(64)).max(256),
  stoppedAt: z.number().optional(),
});
export type AgentRecord = z.infer<typeof agentRecordSchema>;

export interface AgentStatus {
  record: AgentRecord;
  live: boolean;
}

export interface SiteStatus {
  site: string;
  agents: AgentStatus[];
  live: boolean;
  /** the last heartbeat of any of its agents (agent clock) */
  lastSeen: number;
}

/** An agent counts as gone after this many missed heartbeats. */
export const MISSED_HEARTBEATS = 3;
/** Records of agents gone this long are dropped from the list. */
export const FORGET_AFTER_MS = 7 * 24 * 3600_000;

export class SiteDirectory {
  constructor(private readonly client: RedisClient) {}

  async heartbeat(record: AgentRecord): Promise<void> {
    await this.client.hset(AGENTS_KEY, { [agentField(record.site, record.name)]: JSON.stringify(record) });
    await this.client.set(aliveKey(record.site, record.name), record.instance, { PX: record.heartbeatMs * MISSED_HEARTBEATS });
  }

  /** A clean shutdown: the record stays (for "since"), the agent stops counting as alive at once. */
  async stopped(record: AgentRecord): Promise<void> {
    await this.client.hset(AGENTS_KEY, { [agentField(record.site, record.name)]: JSON.stringify(record) });
    // Only our own alive key: a replacement with the same name may already have written its own.
    if ((await this.client.get(aliveKey(record.site, record.name))) === record.instance) {
      await this.client.del(aliveKey(record.site, record.name));
    }
  }

  async isAlive(site: string, name: string): Promise<boolean> {
    return (await this.client.get(aliveKey(site, name))) !== null;
  }

  /** Every site with its agents, sorted by name; forgets agents gone for a week. */
  async sites(now: number = Date.now()): Promise<SiteStatus[]> {
    const raw = await this.client.hgetall(AGENTS_KEY);
    const records: AgentRecord[] = [];
    const forget: string[] = [];
    for (const [field, value] of Object.entries(raw)) {
      const record = parseRecord(value);
      if (!record) {
        forget.push(field);
        continue;
      }
      if (now - record.lastSeen > FORGET_AFTER_MS) forget.push(field);
      else records.push(record);
    }
    if (forget.length > 0) await this.client.hdel(AGENTS_KEY, ...forget);
    const alive = await Promise.all(records.map((record) => this.client.get(aliveKey(record.site, record.name))));

    const bySite = new Map<string, AgentStatus[]>();
    records.forEach((record, index) => {
      const live = alive[index] !== null && alive[index] !== undefined && record.stoppedAt === undefined;
      const list = bySite.get(record.site) ?? [];
      list.push({ record, live });
      bySite.set(record.site, list);
    });
    return [...bySite.entries()]
      .map(([site, agents]) => ({
        site,
        agents: agents.sort((a, b) => a.record.name.localeCompare(b.record.name)),
        live: agents.some((agent) => agent.live),
        lastSeen: Math.max(...agents.map((agent) => agent.record.lastSeen)),
      }))
      .sort((a, b) => a.site.localeCompare(b.site));
  }

  async site(site: string): Promise<SiteStatus | null> {
    return (await this.sites()).find((status) => status.site === site) ?? null;
  }
}

function parseRecord(text: string): AgentRecord | null {
  try {
    const parsed = agentRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
