import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * What a lab left on the machine, written next to its logs so a later run can clean up after a
 * crash: the namespaces it made and the processes it started.
 */
export interface LabState {
  prefix: string;
  /** the process that owns the lab; when it is gone and the lab is not persistent, it is stale */
  ownerPid: number;
  /** built by `npm run lab`: stays up after its builder exits, until `npm run lab -- down` */
  persistent: boolean;
  createdAt: string;
  namespaces: string[];
  pids: number[];
}

export const LAB_ROOT = path.join(os.tmpdir(), 'router-audit-lab');

export function labDir(prefix: string): string {
  return path.join(LAB_ROOT, prefix.replace(/-$/, ''));
}

export function writeState(state: LabState): void {
  mkdirSync(labDir(state.prefix), { recursive: true });
  writeFileSync(path.join(labDir(state.prefix), 'state.json'), JSON.stringify(state, null, 2));
}

export function readState(prefix: string): LabState | null {
  try {
    return JSON.parse(readFileSync(path.join(labDir(prefix), 'state.json'), 'utf8')) as LabState;
  } catch {
    return null;
  }
}

export function removeLabDir(prefix: string): void {
  rmSync(labDir(prefix), { recursive: true, force: true });
}

export function allStates(): LabState[] {
  let entries: string[];
  try {
    entries = readdirSync(LAB_ROOT);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const state = readState(`${entry}-`);
    return state ? [state] : [];
  });
}

/** True while the process runs; a zombie (exited, not yet reaped by its parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; the state follows the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill(0) is all we know
  }
}
