import { ScanCoordinator, type CoordinatorOptions, type ScanRecorderHook, type ScanRunner } from '../../src/commands/scan-coordinator';
import type { Services } from '../../src/commands/types';
import { loadConfig, type AppConfig } from '../../src/config/env';
import { loadContent } from '../../src/content/load';
import { silentLogger, type Logger } from '../../src/log';

/**
 * The Services commands run with, wired as src/app.ts wires them (config, content, a
 * ScanCoordinator with the configured policy and limits), around a runner the test chooses.
 */

export interface TestServicesOptions {
  runner: ScanRunner;
  /** the environment the configuration is read from (ignored when `config` is given) */
  env?: NodeJS.ProcessEnv;
  /** a configuration the test has already loaded, when it needs it before the services */
  config?: AppConfig;
  /** default: a logger that writes nothing */
  log?: Logger;
  /** the one clock commands and the coordinator's rate limit read; default: the real time */
  now?: () => Date;
  /**
   * this machine's interfaces as the coordinator sees them; default: none, so a test never
   * looks at (or scans) the host's own network and a bare audit has no default networks
   */
  interfaces?: CoordinatorOptions['interfaces'];
  /** told about every finished scan (the history store) */
  recorder?: ScanRecorderHook;
}

export function testServices(options: TestServicesOptions): Services {
  const config = options.config ?? loadConfig(options.env ?? {});
  const log = options.log ?? silentLogger();
  const now = options.now;
  const scans = new ScanCoordinator({
    runner: options.runner,
    policy: { allow: config.scan.allow, maxHosts: config.scan.maxHosts },
    timeoutMs: config.scan.timeoutMs,
    rateLimit: config.scan.rateLimit,
    rateWindowMs: config.scan.rateWindowMs,
    log,
    interfaces: options.interfaces ?? (() => ({})),
    ...(now ? { now: () => now().getTime() } : {}),
    ...(options.recorder ? { recorder: options.recorder } : {}),
  });
  return { config, content: loadContent(), scans, log, now: now ?? (() => new Date()) };
}
