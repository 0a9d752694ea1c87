import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createLab, type Lab } from '../../../../lab/builder';
import { ip, ipBatch, listNamespaces, namespacePids } from '../../../../lab/netns';
import type { LabTopology } from '../../../../lab/topology';
import { PROJECT_ROOT } from '../../../support/lab';
import { AGENT_USER, RedisServer } from '../../../unit/sites/support/redis-server';

/**
 * Many sites in network namespaces: one lab (the lab builder's LAN) per site, and an "hq"
 * namespace holding Redis on 10.250.0.1, routed to each site's scanner namespace over its own
 * veth (10.250.N.0/30). Agents run in the sites' scanner namespaces and reach Redis only through
 * that route; the bot under test talks to the same Redis through its unix socket (or runs in hq).
 */

export const HQ_REDIS_IP = '10.250.0.1';

export interface SiteLab {
  name: string;
  lab: Lab;
  topology: LabTopology;
  /** SCAN_ALLOW of its agents: the site's own LAN only */
  allow: string;
}

export interface AgentProcess {
  site: string;
  name: string;
  child: ChildProcess;
  output: () => string;
}

export class SitesLab {
  readonly hq: string;
  readonly sites = new Map<string, SiteLab>();
  readonly redis: RedisServer;
  private readonly agents: AgentProcess[] = [];

  constructor(private readonly base: string) {
    this.hq = `${base}hq`;
    this.redis = new RedisServer({ netns: this.hq, bind: HQ_REDIS_IP, port: 6379, persistent: true });
  }

  async build(topologies: Record<string, LabTopology>): Promise<void> {
    await this.removeStale();
    await ip(['netns', 'add', this.hq]);
    await ipBatch(['link set lo up', `addr add ${HQ_REDIS_IP}/32 dev lo`], { netns: this.hq });
    let index = 0;
    for (const [name, topology] of Object.entries(topologies)) {
      index += 1;
      const lab = await createLab(topology, { prefix: `${this.base}${name.slice(0, 1)}-` });
      this.sites.set(name, { name, lab, topology, allow: topology.lan });
      const scanNs = lab.scannerNamespace;
      // The veth is created with its ends already in place: nothing lands in the host's namespace.
      await ip(['link', 'add', `site${index}`, 'netns', this.hq, 'type', 'veth', 'peer', 'name', 'hq', 'netns', scanNs]);
      await ipBatch([`addr add 10.250.${index}.1/30 dev site${index}`, `link set site${index} up`], { netns: this.hq });
      await ipBatch([`addr add 10.250.${index}.2/30 dev hq`, 'link set hq up', `route add ${HQ_REDIS_IP}/32 via 10.250.${index}.1`], { netns: scanNs });
    }
    await this.redis.start();
  }

  site(name: string): SiteLab {
    const site = this.sites.get(name);
    if (!site) throw new Error(`no site ${name}`);
    return site;
  }

  /** `router-audit agent --site NAME` inside the site's scanner namespace; resolves once it is ready. */
  async startAgent(siteName: string, agentName: string, env: NodeJS.ProcessEnv = {}): Promise<AgentProcess> {
    const site = this.site(siteName);
    const child = spawn('ip', ['netns', 'exec', site.lab.scannerNamespace, process.execPath, path.join(PROJECT_ROOT, 'bin', 'router-audit.js'), 'agent', '--site', siteName, '--name', agentName], {
      env: { ...process.env, REDIS_URL: this.redis.tcpUrl(AGENT_USER), SCAN_ALLOW: site.allow, AGENT_HEARTBEAT_MS: '300', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const agent: AgentProcess = { site: siteName, name: agentName, child, output: () => output };
    this.agents.push(agent);
    const deadline = Date.now() + 20_000;
    while (!output.includes('"msg":"agent ready"')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`agent ${agentName} did not start: ${output.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return agent;
  }

  /** Runs `router-audit agent` to its end (for start-up failures). */
  runAgentOnce(siteName: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
    const site = this.site(siteName);
    return new Promise((resolve) => {
      const child = spawn('ip', ['netns', 'exec', site.lab.scannerNamespace, process.execPath, path.join(PROJECT_ROOT, 'bin', 'router-audit.js'), 'agent', '--site', siteName], {
        env: { ...process.env, SCAN_ALLOW: site.allow, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('close', (code) => { clearTimeout(timer); resolve({ code, output }); });
    });
  }

  kill(agent: AgentProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (agent.child.exitCode !== null || agent.child.signalCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => agent.child.once('exit', () => resolve()));
    agent.child.kill(signal);
    return exited;
  }

  agentNamed(name: string): AgentProcess | undefined {
    return this.agents.find((agent) => agent.name === name && agent.child.exitCode === null && agent.child.signalCode === null);
  }

  async destroy(): Promise<void> {
    await Promise.allSettled(this.agents.map((agent) => this.kill(agent, 'SIGTERM')));
    await this.redis.destroy().catch(() => undefined);
    for (const site of this.sites.values()) await site.lab.destroy().catch(() => undefined);
    await this.removeStale();
  }

  /** Whatever a crashed earlier run left: processes in hq, then the namespace. */
  private async removeStale(): Promise<void> {
    if (!(await listNamespaces()).includes(this.hq)) return;
    for (const pid of await namespacePids(this.hq)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await ip(['netns', 'del', this.hq]).catch(() => undefined);
  }

  async leftovers(): Promise<string[]> {
    return (await listNamespaces()).filter((name) => name.startsWith(this.base));
  }
}
