import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * A real redis-server for the sites tests (no mock): on a unix socket in a temp directory, and
 * optionally on TCP inside a network namespace. ACL users as in the README's deployment section;
 * the default user is off, so every client must log in. Always stopped by the test that started it.
 */

export const BOT_USER = { name: 'ra-bot', password: 'bot-secret-7f3a9c' };
export const AGENT_USER = { name: 'ra-agent', password: 'agent-secret-2b8d4e' };

const ACL_RULE = '~router-audit:* +@all -@dangerous +info +client|setname';

export function requireRedisTools(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('redis-server is not installed (apt-get install redis-server): the sites tests need a real one');
  try {
    require.resolve('ioredis');
  } catch {
    throw new Error('ioredis is not installed: BullMQ 6 loads it as an optional peer; add "ioredis" to package.json dependencies');
  }
}

export interface RedisServerOptions {
  /** run inside this network namespace (ip netns exec) */
  netns?: string;
  /** TCP address to listen on (with netns: an address of that namespace); default: unix socket only */
  bind?: string;
  port?: number;
  /** append-only file: the queue survives a restart */
  persistent?: boolean;
}

export class RedisServer {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'ra-redis-'));
  readonly socket = path.join(this.dir, 'redis.sock');
  private child: ChildProcess | undefined;

  constructor(private readonly options: RedisServerOptions = {}) {
    const lines = [
      `port ${options.bind ? options.port ?? 6379 : 0}`,
      ...(options.bind ? [`bind ${options.bind}`, 'protected-mode no'] : []),
      `unixsocket ${this.socket}`,
      'unixsocketperm 700',
      `dir ${this.dir}`,
      'save ""',
      `appendonly ${options.persistent ? 'yes' : 'no'}`,
      'appendfsync always',
      // Not `user default off`: Redis 7.0 replays the append-only file as the default user, and a
      // disabled default user loses every MULTI/EXEC in it. A long random password shuts it instead.
      `user default on >${randomBytes(24).toString('hex')} ~* &* +@all`,
      `user ${BOT_USER.name} on >${BOT_USER.password} ${ACL_RULE}`,
      `user ${AGENT_USER.name} on >${AGENT_USER.password} ${ACL_RULE}`,
    ];
    writeFileSync(path.join(this.dir, 'redis.conf'), lines.join('\n') + '\n');
  }

  /** unix://user:password@localhost/…/redis.sock */
  socketUrl(user = BOT_USER): string {
    return `unix://${user.name}:${user.password}@localhost${this.socket}`;
  }

  tcpUrl(user = AGENT_USER): string {
    return `redis://${user.name}:${user.password}@${this.options.bind ?? '127.0.0.1'}:${this.options.port ?? 6379}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const conf = path.join(this.dir, 'redis.conf');
    const log = path.join(this.dir, 'redis.log');
    const logStart = existsSync(log) ? readFileSync(log, 'utf8').length : 0;
    const command = this.options.netns ? ['ip', ['netns', 'exec', this.options.netns, 'redis-server', conf, '--logfile', log]] as const : ['redis-server', [conf, '--logfile', log]] as const;
    this.child = spawn(command[0], [...command[1]], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
      if (/ready to accept connections/i.test(text.slice(logStart)) && existsSync(this.socket)) return;
      if (this.child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start: ${text.slice(-800)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGTERM (Redis flushes its append-only file) and wait for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
