import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];

/** A fresh temporary directory named `prefix…`, removed after the test file's last test (passed or not). */
export function newTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

// Jest loads this module once per test file, so this hook belongs to the file that imported it.
afterAll(() => {
  for (const dir of made.splice(0)) {
    // A test may have made the directory read-only (an unwritable DATA_DIR).
    try { chmodSync(dir, 0o755); } catch { /* already gone */ }
    rmSync(dir, { recursive: true, force: true });
  }
});
