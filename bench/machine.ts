import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine a benchmark ran on, for the record in BENCHMARKS.md. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  kernel: string;
  node: string;
  memoryGb: number;
  /** 1-minute load average when asked: other work on the machine slows the CPU-bound parts */
  load1: number;
}

export function machineInfo(): MachineInfo {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) cpu = line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux: os.cpus() is all there is
  }
  return {
    cpu,
    cores: os.cpus().length,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    load1: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

/** `<command> --version`'s first line, or null when the tool is missing. */
export function toolVersion(command: string, args: string[] = ['--version']): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').find((l) => l.trim())?.trim() ?? null;
  } catch {
    return null;
  }
}
