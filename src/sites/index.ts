import type { AppConfig } from '../config/env';
import type { ScanCoordinator } from '../commands/scan-coordinator';
import type { Logger } from '../log';
import { SiteHub } from './hub';
import { QueueScanRunner } from './queue-runner';
import { parseRedisUrl } from './redis-url';
import { SiteScans } from './site-scans';
import { formatClock } from './time';
import type { SitesService } from './types';

/**
 * The bot's side of many sites, wired from the configuration (REDIS_URL set): the queue runner
 * that replaces in-process scanning, and the service the commands use.
 */
export interface BotSites {
  hub: SiteHub;
  runner: QueueScanRunner;
  service(scans: ScanCoordinator, now?: () => Date): SitesService;
  /** resolves once Redis accepted the bot (RedisStartError on bad credentials) */
  verify(): Promise<void>;
  close(): Promise<void>;
}

export function createBotSites(config: AppConfig, log: Logger): BotSites | undefined {
  if (!config.redisUrl) return undefined;
  const hub = new SiteHub(parseRedisUrl(config.redisUrl), log);
  const timeZone = config.store.timeZone;
  const runner = new QueueScanRunner({ hub, log, clock: (ms) => formatClock(ms, Date.now(), timeZone) });
  return {
    hub,
    runner,
    service: (scans, now) => new SiteScans(hub, scans, timeZone, now),
    verify: () => hub.verify(),
    async close() {
      await runner.close();
      await hub.close();
    },
  };
}
