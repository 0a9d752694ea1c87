import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { DB_FILE, openStore } from '../../../src/store/open';
import { SqliteStore } from '../../../src/store/sqlite';
import { newTempDir } from '../../support/temp-dir';
import { host, scanOf } from './fixtures';

const DIST = path.resolve(__dirname, '..', '..', '..', 'dist');
const tempDir = (): string => newTempDir('ra-open-');

function capturingLog(): { log: pino.Logger; lines: Array<{ level: number; msg: string; dataDir?: string }> } {
  const lines: Array<{ level: number; msg: string; dataDir?: string }> = [];
  return { log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }), lines };
}

function expectOff(dataDir: string, problem: RegExp): void {
  const { log, lines } = capturingLog();
  const opening = openStore(dataDir, log);
  expect(opening.ok).toBe(false);
  if (opening.ok) return;
  expect(opening.problem).toContain(`DATA_DIR (${dataDir})`);
  expect(opening.problem).toMatch(problem);
  const line = lines.find((l) => l.level === 50);
  expect(line?.msg).toContain('history and digests are off');
  expect(line?.dataDir).toBe(dataDir);
}

describe('opening the store in DATA_DIR', () => {
  it('creates a missing DATA_DIR (nested) and the database in it', () => {
    const dataDir = path.join(tempDir(), 'a', 'b');
    const opening = openStore(dataDir, pino({ level: 'silent' }));
    expect(opening.ok).toBe(true);
    if (opening.ok) {
      expect(opening.store.location).toBe(`DATA_DIR=${dataDir}`);
      opening.store.close();
    }
  });

  it('says a file that is not a database is corrupt and how to start over', () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, DB_FILE), 'this is not a database '.repeat(200));
    expectOff(dataDir, /router-audit\.db in DATA_DIR \(.*\) is not a readable SQLite database \(corrupt\?\).*Move it away and restart/);
  });

  it('says a database with damaged pages is corrupt', () => {
    const dataDir = tempDir();
    const store = new SqliteStore(path.join(dataDir, DB_FILE), 'x');
    for (let i = 0; i < 50; i += 1) store.recordScan(scanOf(Array.from({ length: 40 }, (_, n) => host(`10.20.0.${n + 1}`))), { requester: 't', surface: null, site: null });
    store.close();
    const fd = openSync(path.join(dataDir, DB_FILE), 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, 4096 * 3);
    closeSync(fd);
    expectOff(dataDir, /is not a readable SQLite database \(corrupt\?\)/);
  });

  it('says DATA_DIR is not a directory when it is a file', () => {
    const file = path.join(tempDir(), 'data');
    writeFileSync(file, 'x');
    expectOff(file, /is not a directory/);
  });

  it('names a database written by a newer version', () => {
    const dataDir = tempDir();
    const db = new Database(path.join(dataDir, DB_FILE));
    db.pragma('user_version = 99');
    db.close();
    expectOff(dataDir, /was written by a newer router-audit \(the database has schema version 99; this router-audit knows up to 1\)/);
  });
});

/**
 * A read-only DATA_DIR. Root ignores file modes, so as root the directory is bind-mounted
 * read-only inside a private mount namespace (unshare -m) that only the child process sees.
 */
describe('opening the store in a read-only DATA_DIR', () => {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

  function openInReadOnly(dataDir: string): { ok: boolean; problem?: string; stderr: string } {
    const script = `
      const { openStore } = require(${JSON.stringify(path.join(DIST, 'src', 'store', 'open.js'))});
      const pino = require('pino');
      const opening = openStore(process.argv[1], pino({ level: 'error' }, pino.destination(2)));
      if (opening.ok) opening.store.close();
      process.stdout.write(JSON.stringify(opening.ok ? { ok: true } : { ok: false, problem: opening.problem }));`;
    const run = isRoot
      ? spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind -o ro "$1" "$1" && exec "$2" -e "$3" "$1"', 'sh', dataDir, process.execPath, script], { encoding: 'utf8', cwd: path.resolve(__dirname, '..', '..', '..') })
      : (chmodSync(dataDir, 0o555), spawnSync(process.execPath, ['-e', script, dataDir], { encoding: 'utf8', cwd: path.resolve(__dirname, '..', '..', '..') }));
    if (run.status !== 0) throw new Error(`read-only check failed (${run.status}): ${run.stderr}`);
    return { ...(JSON.parse(run.stdout) as { ok: boolean; problem?: string }), stderr: run.stderr };
  }

  it('says so when the database cannot be created there', () => {
    const dataDir = tempDir();
    const result = openInReadOnly(dataDir);
    expect(result.ok).toBe(false);
    expect(result.problem).toContain(`DATA_DIR (${dataDir}) is ${isRoot ? 'read-only' : 'not writable by this user'}`);
    expect(result.stderr).toContain('history and digests are off');
  });

  it('says so when the database exists but cannot be written', () => {
    const dataDir = tempDir();
    new SqliteStore(path.join(dataDir, DB_FILE), 'x').close();
    mkdirSync(path.join(dataDir, 'charts'));
    const result = openInReadOnly(dataDir);
    expect(result.ok).toBe(false);
    expect(result.problem).toContain(`DATA_DIR (${dataDir}) is ${isRoot ? 'read-only' : 'not writable by this user'}`);
  });
});
