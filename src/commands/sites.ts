import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secretsOf } from '../config/env';
import { createLogger } from '../log';
import { PROJECT_ROOT } from '../paths';
import { SiteError } from '../sites/errors';
import { parseSiteName, SiteNameError } from '../sites/names';
import { siteFailureReport } from '../sites/report';
import { formatAgo } from '../sites/time';
import { UsageError } from './errors';
import { plural } from './format';
import { messageReport, type Report } from './report';
import type { CommandSpec } from './types';

/** `/router-audit sites` (who is out there) and `router-audit agent --site NAME` (be one of them). */

export const sitesCommand: CommandSpec = {
  name: 'sites',
  summary: 'List the sites, their scanner agents, last heartbeat and version',
  details:
    'With REDIS_URL set, scans run on agents inside each site (router-audit agent --site NAME). ' +
    'This lists every site that has had an agent, whether one is alive now, and when each was last heard from.',
  examples: ['sites'],
  args: [],
  options: [],
  access: 'scan',
  async run(_input, ctx) {
    const sites = ctx.services.sites;
    if (!sites) {
      return messageReport('No sites', 'This bot scans from the machine it runs on. To scan inside other networks, set REDIS_URL and start an agent in each (router-audit agent --site NAME).', 'ok', { ephemeral: true });
    }
    let list;
    try {
      list = await sites.list();
    } catch (error) {
      if (error instanceof SiteError) return siteFailureReport(error);
      throw error;
    }
    if (list.length === 0) {
      return messageReport('No sites yet', 'No agent has registered. Start one inside each network to scan: router-audit agent --site NAME (with REDIS_URL and its own SCAN_ALLOW).', 'ok', { ephemeral: true });
    }
    const now = ctx.services.now().getTime();
    const rows = list.flatMap((site) => site.agents.map(({ record, live }) => [
      site.site,
      record.name,
      live ? 'alive' : record.stoppedAt !== undefined ? 'stopped' : 'gone',
      `${sites.clock(record.lastSeen)} (${formatAgo(record.lastSeen, now)})`,
      record.version,
      record.hostname,
      live ? `${record.running}/${record.concurrency}` : '-',
      record.allow.join(' '),
    ]));
    const down = list.filter((site) => !site.live);
    const agents = list.reduce((sum, site) => sum + site.agents.length, 0);
    const alive = list.reduce((sum, site) => sum + site.agents.filter((a) => a.live).length, 0);
    const notes = down.map((site) => `No agent for ${site.site} since ${sites.clock(site.lastSeen)}.`);
    return {
      title: 'Sites',
      tone: down.length > 0 ? 'medium' : 'ok',
      summary: `${plural(list.length, 'site')}, ${alive} of ${plural(agents, 'agent')} alive${down.length > 0 ? `; no live agent at ${down.map((s) => s.site).join(', ')}` : ''}`,
      sections: [
        ...(notes.length > 0 ? [{ kind: 'text' as const, text: notes.join('\n') }] : []),
        { kind: 'table', heading: 'Agents', columns: ['Site', 'Agent', 'State', 'Last heartbeat', 'Version', 'Host', 'Scans', 'Allowed'], rows },
      ],
      attachments: [],
      outcome: 'ok',
      json: list,
    } satisfies Report;
  },
};

function version(): string {
  return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export const agentCommand: CommandSpec = {
  name: 'agent',
  summary: 'Run this machine as the scanner agent of a site (needs REDIS_URL)',
  details:
    'Connects to the bot through Redis (REDIS_URL), registers, heartbeats and runs the scans the bot queues for the site. ' +
    'It scans only inside its own SCAN_ALLOW, whatever a job asks. Runs until stopped (Ctrl-C, SIGTERM).',
  examples: ['agent --site berlin', 'agent --site berlin --name berlin-fw1'],
  args: [],
  options: [
    { key: 'site', flags: '--site <name>', description: 'the site this agent scans for (default: AGENT_SITE)' },
    { key: 'name', flags: '--name <name>', description: 'its name in /router-audit sites (default: AGENT_NAME or the host name)' },
  ],
  access: 'scan',
  surfaces: ['cli'],
  async run(input, ctx) {
    const { config, content } = ctx.services;
    if (!config.redisUrl) throw new UsageError('The agent needs REDIS_URL: the Redis the bot uses (redis://user:password@host:6379).');
    const siteText = typeof input.options.site === 'string' ? input.options.site : config.agent.site;
    if (!siteText) throw new UsageError('Which site? Give --site NAME (or set AGENT_SITE).');
    let site: string;
    try {
      site = parseSiteName(siteText);
    } catch (error) {
      throw new UsageError(error instanceof SiteNameError ? error.message : String(error));
    }
    const name = (typeof input.options.name === 'string' ? input.options.name : config.agent.name) ?? os.hostname();
    // The CLI logs errors only; an agent is a service and says what it does.
    const log = createLogger({ level: config.log.level ?? 'info', file: config.log.file, secrets: secretsOf(config), name: 'router-audit-agent' });
    // BullMQ is loaded only by the processes that talk to Redis (agents, a bot with REDIS_URL):
    // every other command starts ~100 ms faster without it.
    const { SiteAgent } = require('../sites/agent') as typeof import('../sites/agent');
    const { RedisStartError } = require('../sites/connection') as typeof import('../sites/connection');
    const { parseRedisUrl } = require('../sites/redis-url') as typeof import('../sites/redis-url');
    const agent = new SiteAgent({
      site,
      name,
      redis: parseRedisUrl(config.redisUrl),
      policy: { allow: config.scan.allow, maxHosts: config.scan.maxHosts },
      maxTimeoutMs: config.scan.timeoutMs,
      concurrency: config.agent.concurrency,
      heartbeatMs: config.agent.heartbeatMs,
      version: version(),
      content,
      log,
    });
    ctx.progress(`Agent ${name} for ${site}: connecting…`);
    try {
      await agent.start();
    } catch (error) {
      await agent.stop().catch(() => undefined);
      if (error instanceof RedisStartError) return messageReport('The agent could not start', error.message, 'refused');
      throw error;
    }
    ctx.progress(`Agent ${name} for ${site}: running (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await agent.stop();
    log.flush();
    return messageReport('Agent stopped', `The ${site} agent ${name} stopped.`, 'ok');
  },
};
