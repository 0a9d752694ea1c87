import type { Logger } from '../log';
import type { AppConfig } from '../config/env';
import type { Content } from '../content/load';
import type { HistoryServices } from './digest-services';
import type { SitesService } from '../sites/types';
import type { Report } from './report';
import type { ScanCoordinator } from './scan-coordinator';

/** Where a command came from; decides option visibility and output niceties. */
export type Surface = 'cli' | 'terminal' | 'slack' | 'discord';

/** Which access check a command needs. "open" commands (help, advice) are for everyone. */
export type AccessLevel = 'open' | 'scan';

export interface ArgSpec {
  name: string;
  description: string;
  variadic?: boolean;
  required?: boolean;
  /** surfaces that offer the argument; all when absent */
  surfaces?: readonly Surface[];
}

export interface OptionSpec {
  /** camelCase key in the parsed options */
  key: string;
  /** commander flags, e.g. "--fail-on <severity>" */
  flags: string;
  description: string;
  choices?: readonly string[];
  /** surfaces that offer the option; all when absent */
  surfaces?: readonly Surface[];
}

export interface ParsedInput {
  args: Record<string, string | string[] | undefined>;
  options: Record<string, string | boolean | undefined>;
}

/** Who asked, in platform terms the access policy understands. */
export interface Caller {
  platform: Surface;
  userId: string;
  channelId?: string;
  /** Discord role ids of the member */
  roles?: string[];
  displayName?: string;
}

/** A file the user attached to the command (already downloaded by the adapter). */
export interface IncomingFile {
  name: string;
  path: string;
  size: number;
}

export interface Services {
  config: AppConfig;
  content: Content;
  scans: ScanCoordinator;
  log: Logger;
  now: () => Date;
  /** scan history and digests; absent or with a null store when DATA_DIR is not usable */
  history?: HistoryServices;
  /** scans through site agents (REDIS_URL set); absent: scans run where the bot runs */
  sites?: SitesService;
}

export interface CommandContext {
  surface: Surface;
  caller: Caller;
  services: Services;
  /** a short status line while the command runs; adapters throttle and render it */
  progress: (text: string) => void;
  signal: AbortSignal;
  files?: IncomingFile[];
}

export interface CommandSpec {
  name: string;
  /** one line for help and Discord's description (≤ 100 characters) */
  summary: string;
  /** longer help text */
  details?: string;
  examples: string[];
  args: ArgSpec[];
  options: OptionSpec[];
  access: AccessLevel;
  /** surfaces that offer the command; all when absent */
  surfaces?: readonly Surface[];
  /** the command reads files a chat user uploads (Discord: an attachment option; Slack: a thread reply) */
  files?: { description: string };
  run(input: ParsedInput, ctx: CommandContext): Promise<Report>;
}

/** The positional arguments a command takes on this surface. */
export function argsOn(spec: Pick<CommandSpec, 'args'>, surface: Surface): ArgSpec[] {
  return spec.args.filter((arg) => offeredOn(arg, surface));
}

export function offeredOn<T extends { surfaces?: readonly Surface[] }>(item: T, surface: Surface): boolean {
  return !item.surfaces || item.surfaces.includes(surface);
}
