import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { newTempDir } from '../../support/temp-dir';
import { MAIN, PROJECT_ROOT } from './bot-process';

/**
 * Bad input to the running bot (`node dist/src/main.js`, commands piped in, no scans): invalid
 * cron expressions and zones, unknown digest ids, and a DATA_DIR that is corrupt, read-only or
 * not a directory. Each gets a clear message; the bot answers the next command and exits 0 at the
 * end of its input.
 */

const tempDir = (): string => newTempDir('ra-e2e-bad-');

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function runBot(lines: string[], env: NodeJS.ProcessEnv, wrap?: (args: string[]) => [string, string[]]): { code: number | null; stdout: string; stderr: string } {
  const [command, args] = wrap ? wrap([process.execPath, MAIN]) : [process.execPath, [MAIN]];
  const run = spawnSync(command, args, {
    cwd: PROJECT_ROOT,
    input: `${lines.join('\n')}\n`,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', TZ: 'UTC', LOG_LEVEL: 'warn', ...env },
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout.replace(/\s+/g, ' '), stderr: run.stderr };
}

describe('the bot with bad digest input', () => {
  it('answers each mistake clearly and carries on', () => {
    const dataDir = tempDir();
    const run = runBot([
      'digest cron "0 8 * *" 10.20.0.0/24',
      'digest cron "0 8 * * 1-5" 10.20.0.0/24 --tz Mars/Olympus_Mons',
      'digest off 12',
      'digest now 3',
      'digest daily 08:00 8.8.8.0/24',
      'digest daily 07:30 10.20.0.0/24',
      'digest list',
    ], { DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"0 8 * *" has 4 fields; a cron expression has 5 ("minute hour day month weekday", e.g. "0 8 * * 1-5") or 6 with seconds first.');
    expect(run.stdout).toContain('"Mars/Olympus_Mons" is not a time zone. Use an IANA name such as Europe/Amsterdam');
    expect(run.stdout).toContain('There is no digest #12 in this channel. /router-audit digest list shows the digests here.');
    expect(run.stdout).toContain('There is no digest #3 in this channel.');
    expect(run.stdout).toContain('Refused 8.8.8.0/24: it is outside the networks this bot may scan');
    // …and after all that, the next command works.
    expect(run.stdout).toContain('Digest #1 created Digest #1: daily 07:30 (UTC) for 10.20.0.0/24, posted here.');
    expect(run.stdout).toMatch(/ 1 daily 07:30 UTC 10\.20\.0\.0\/24 \w{3} \d+ \w{3} \d{4}, 07:30 UTC - /);
  });
});

describe('the bot with a DATA_DIR it cannot use', () => {
  function expectHistoryOff(run: { code: number | null; stdout: string; stderr: string }, dataDir: string, problem: string): void {
    expect(run.code).toBe(0);
    // The commands say why, naming DATA_DIR…
    expect(run.stdout).toMatch(new RegExp(`History and digests are off (router-audit\\.db in )?DATA_DIR \\(${escape(dataDir)}\\) ${escape(problem)}`));
    expect(run.stdout).toContain('Scans still work; history and digests come back when DATA_DIR is usable and the bot restarts.');
    // …the other commands still answer…
    expect(run.stdout).toContain('Microsoft and CISA hardening advice');
    // …and the log says it once, at startup.
    const lines = run.stderr.split('\n').filter((l) => l.includes('history and digests are off'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 50, dataDir });
  }

  it('a corrupt database', () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, 'router-audit.db'), 'definitely not sqlite '.repeat(300));
    const run = runBot(['digest daily 08:00 10.20.0.0/24', 'history', 'help'], { DATA_DIR: dataDir });
    expectHistoryOff(run, dataDir, 'is not a readable SQLite database (corrupt?)');
  });

  it('a DATA_DIR that is a file', () => {
    const file = path.join(tempDir(), 'data');
    writeFileSync(file, '');
    const run = runBot(['digest list', 'history', 'help'], { DATA_DIR: file });
    expectHistoryOff(run, file, 'is not a directory');
  });

  it('a read-only DATA_DIR', () => {
    const dataDir = tempDir();
    // Root ignores file modes: bind-mount the directory read-only in a private mount namespace.
    const wrap = (args: string[]): [string, string[]] => isRoot
      ? ['unshare', ['-m', 'sh', '-c', 'mount --bind -o ro "$1" "$1" && shift && exec "$@"', 'sh', dataDir, ...args]]
      : ['sh', ['-c', 'chmod 555 "$1" && shift && exec "$@"', 'sh', dataDir, ...args]];
    const run = runBot(['digest list', 'history', 'help'], { DATA_DIR: dataDir }, wrap);
    expectHistoryOff(run, dataDir, isRoot ? 'is read-only' : 'is not writable by this user');
  });
});
