import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log';
import { SchemaTooNewError, SqliteStore } from './sqlite';
import type { Store } from './types';

/**
 * Opens the store in DATA_DIR, or says in one sentence why it cannot. A bad DATA_DIR must not
 * stop the bot: scans still work, only history and digests are off, and their commands say why.
 */

export const DB_FILE = 'router-audit.db';

export type StoreOpening = { ok: true; store: Store } | { ok: false; problem: string };

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Turns what fs or SQLite threw into words a person can act on. */
export function explainOpenFailure(error: unknown, dataDir: string, file: string): string {
  const code = codeOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  const where = `DATA_DIR (${dataDir})`;
  if (error instanceof SchemaTooNewError) {
    return `${file} in ${where} was written by a newer router-audit (${detail}). Use that version, or point DATA_DIR elsewhere.`;
  }
  switch (code) {
    case 'SQLITE_NOTADB':
    case 'SQLITE_CORRUPT':
    case 'SQLITE_CORRUPT_VTAB':
      return `${file} in ${where} is not a readable SQLite database (corrupt?): ${detail}. Move it away and restart to begin a new history.`;
    case 'EROFS':
    case 'SQLITE_READONLY':
    case 'SQLITE_READONLY_DIRECTORY':
    case 'SQLITE_READONLY_DBMOVED':
    case 'SQLITE_READONLY_RECOVERY':
    case 'SQLITE_READONLY_CANTINIT':
    case 'SQLITE_READONLY_CANTLOCK':
    case 'SQLITE_READONLY_ROLLBACK':
      return `${where} is read-only: the bot cannot write ${file} there (${detail}). Give it a writable directory.`;
    case 'EACCES':
    case 'EPERM':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_IOERR':
    case 'SQLITE_PERM':
      return `${where} is not writable by this user: ${detail}. Fix its permissions or point DATA_DIR elsewhere.`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${where} is not a directory (${detail}). Point DATA_DIR at a directory.`;
    case 'ENOSPC':
    case 'SQLITE_FULL':
      return `${where} is full: ${detail}.`;
    default:
      return `${where} cannot be used for ${file}: ${code ? `${code}: ` : ''}${detail}.`;
  }
}

export function openStore(dataDir: string, log: Logger): StoreOpening {
  const file = path.join(dataDir, DB_FILE);
  try {
    mkdirSync(dataDir, { recursive: true });
    if (!statSync(dataDir).isDirectory()) throw Object.assign(new Error(`${dataDir} is a file`), { code: 'ENOTDIR' });
    // SQLite says only "unable to open database file"; access(2) tells a read-only file system
    // (EROFS) from missing permissions (EACCES), also for root.
    accessSync(dataDir, constants.R_OK | constants.W_OK);
    const store = new SqliteStore(file, `DATA_DIR=${dataDir}`);
    log.info({ file }, 'history store open');
    return { ok: true, store };
  } catch (error) {
    const problem = explainOpenFailure(error, dataDir, DB_FILE);
    log.error({ err: error, dataDir, file }, `history and digests are off: ${problem}`);
    return { ok: false, problem };
  }
}
