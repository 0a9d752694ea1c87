import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChatAdapter } from '../../../src/bot/types';
import { HistoryRuntime } from '../../../src/commands/digest-runtime';
import { Dispatcher } from '../../../src/commands/dispatch';
import type { Report } from '../../../src/commands/report';
import type { ScanJob, ScanRunner } from '../../../src/commands/scan-coordinator';
import type { Caller, Services } from '../../../src/commands/types';
import { loadConfig } from '../../../src/config/env';
import { silentLogger, type Logger } from '../../../src/log';
import type { Finding, HostRecord, ScanResult } from '../../../src/scanner/report-types';
import type { SitesService } from '../../../src/sites/types';
import { testServices } from '../../support/services';
import { ManualClock, settle } from './manual-clock';

/**
 * The digest and history commands as the bot runs them — dispatcher, coordinator, store in a temp
 * DATA_DIR, scheduler — on a hand-moved clock. The scanner is replaced by a scripted runner (the
 * real one is exercised in the lab and in test/e2e/digest): tests set what the "network" looks like.
 */

export class ScriptedRunner implements ScanRunner {
  hosts: HostRecord[] = [];
  findings: Finding[] = [];
  readonly jobs: ScanJob[] = [];

  constructor(private readonly clock: ManualClock) {}

  async run(job: ScanJob): Promise<ScanResult> {
    this.jobs.push(job);
    return {
      targets: job.targets,
      startedAt: this.clock.now().toISOString(),
      durationMs: 10,
      hosts: this.hosts.map((h) => ({ ...h, openPorts: [...h.openPorts] })),
      findings: this.findings.map((f) => ({ ...f })),
      advice: [],
    };
  }
}

export interface Posted {
  platform: string;
  channel: string;
  report: Report;
}

export interface DigestRig {
  dataDir: string;
  clock: ManualClock;
  runner: ScriptedRunner;
  runtime: HistoryRuntime;
  services: Services;
  dispatcher: Dispatcher;
  posts: Posted[];
  say(input: string, caller?: Caller): Promise<Report>;
  close(): Promise<void>;
}

export const SLACK_CALLER: Caller = { platform: 'slack', userId: 'U1', channelId: 'C1' };

function recorder(platform: ChatAdapter['platform'], posts: Posted[]): ChatAdapter {
  return {
    platform,
    start: async () => undefined,
    stop: async () => undefined,
    post: async (channel, report) => void posts.push({ platform, channel, report }),
  };
}

export async function digestRig(start: string, env: NodeJS.ProcessEnv = {}, options: { log?: Logger; sites?: SitesService } = {}): Promise<DigestRig> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'ra-digest-'));
  const config = loadConfig({ DATA_DIR: dataDir, TZ: 'Europe/Amsterdam', ...env });
  const log = options.log ?? silentLogger();
  const clock = new ManualClock(start);
  const runner = new ScriptedRunner(clock);
  const runtime = new HistoryRuntime({ config, log, clock, resyncMs: 0 });
  const base = testServices({ runner, config, log, now: () => clock.now(), recorder: runtime.recorder ?? undefined });
  const services: Services = {
    ...base,
    history: runtime.bind(base.scans, options.sites),
    ...(options.sites ? { sites: options.sites } : {}),
  };
  const dispatcher = new Dispatcher(services);
  const posts: Posted[] = [];
  await runtime.start([recorder('slack', posts), recorder('discord', posts), recorder('terminal', posts)]);
  await settle();
  return {
    dataDir,
    clock,
    runner,
    runtime,
    services,
    dispatcher,
    posts,
    say: (input, caller = SLACK_CALLER) => dispatcher.dispatch({ surface: caller.platform, caller, input }),
    async close() {
      await runtime.stop();
      runtime.close();
      if (!env.DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** All the text of a report, for assertions on what a reader sees. */
export function textOf(report: Report): string {
  const parts = [report.title, report.summary];
  for (const section of report.sections) {
    if (section.heading) parts.push(section.heading);
    if (section.kind === 'text') parts.push(section.text);
    if (section.kind === 'table') parts.push(section.columns.join(' | '), ...section.rows.map((r) => r.join(' | ')));
    if (section.kind === 'findings') parts.push(...section.findings.map((f) => `${f.severity} ${f.subject} ${f.title}`));
    if (section.kind === 'image') parts.push(`[image ${section.attachment}: ${section.alt}]`);
    if (section.kind === 'fields') parts.push(...section.fields.map((f) => `${f.label}: ${f.value}`));
  }
  return parts.join('\n');
}
