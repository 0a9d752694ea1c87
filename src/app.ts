import { loadConfig, secretsOf, type AppConfig } from './config/env';
import { loadContent } from './content/load';
import { Dispatcher } from './commands/dispatch';
import { ScanCoordinator, type ScanRunner } from './commands/scan-coordinator';
import type { Services } from './commands/types';
import { createLogger, type Logger } from './log';
import { LocalScanRunner } from './commands/local-runner';
import { NamespaceScanRunner } from './commands/namespace-runner';
import { HistoryRuntime } from './commands/digest-runtime';
import type { BotSites } from './sites';

/** Wires configuration, content, logging and the scan coordinator into the services commands use. */

export interface App {
  config: AppConfig;
  log: Logger;
  services: Services;
  dispatcher: Dispatcher;
  /** scan history and digests (when asked for with `history: true`) */
  history: HistoryRuntime | null;
  /** site agents over Redis (REDIS_URL set): scans are queued, none runs in this process */
  sites: BotSites | undefined;
  shutdown(): Promise<void>;
}

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  /** default log level when LOG_LEVEL is not set */
  defaultLogLevel?: string;
  runner?: ScanRunner;
  log?: Logger;
  /** keep scan history in DATA_DIR and run digests (the long-running bot; not the one-shot CLI) */
  history?: boolean;
}

export function createApp(options: AppOptions = {}): App {
  const config = loadConfig(options.env ?? process.env);
  const log = options.log ?? createLogger({ level: config.log.level ?? options.defaultLogLevel ?? 'info', file: config.log.file, secrets: secretsOf(config) });
  const content = loadContent();
  const history = options.history ? new HistoryRuntime({ config, log }) : null;
  // BullMQ is loaded only when there are site agents to talk to.
  const sites = options.runner || !config.redisUrl ? undefined : (require('./sites') as typeof import('./sites')).createBotSites(config, log);
  const scans = new ScanCoordinator({
    runner: options.runner ?? sites?.runner ?? (config.scan.netns ? new NamespaceScanRunner({ namespace: config.scan.netns }) : new LocalScanRunner(content)),
    policy: { allow: config.scan.allow, maxHosts: config.scan.maxHosts },
    timeoutMs: config.scan.timeoutMs,
    rateLimit: config.scan.rateLimit,
    rateWindowMs: config.scan.rateWindowMs,
    log,
    ...(history?.recorder ? { recorder: history.recorder } : {}),
  });
  const siteService = sites?.service(scans);
  const services: Services = {
    config,
    content,
    scans,
    log,
    now: () => new Date(),
    ...(history ? { history: history.bind(scans, siteService) } : {}),
    ...(siteService ? { sites: siteService } : {}),
  };
  return {
    config,
    log,
    services,
    dispatcher: new Dispatcher(services),
    history,
    sites,
    async shutdown() {
      await history?.stop();
      await scans.shutdown();
      await sites?.close();
      history?.close();
    },
  };
}
