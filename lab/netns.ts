import { execFile, spawn } from 'node:child_process';
import { endInput } from '../src/child-input';

/**
 * Thin wrappers around iproute2. Batches (`ip -batch -`) keep lab creation fast: one process for
 * many commands instead of one process per command.
 */

export class IpCommandError extends Error {
  override name = 'IpCommandError';
}

/** Runs `ip <args>` and resolves with its stdout; rejects with stderr in the message. */
export function ip(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ip', args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new IpCommandError(`ip ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/**
 * Runs several `ip` commands in one process (`ip [-n NS] -batch -`). With `force`, a failing line
 * does not stop the rest (used for teardown, where some objects may already be gone).
 */
export function ipBatch(lines: readonly string[], options: { netns?: string; force?: boolean } = {}): Promise<void> {
  if (lines.length === 0) return Promise.resolve();
  const args = [...(options.netns ? ['-n', options.netns] : []), ...(options.force ? ['-force'] : []), '-batch', '-'];
  return new Promise((resolve, reject) => {
    const child = spawn('ip', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', (error) => reject(new IpCommandError(`ip ${args.join(' ')}: ${error.message}`)));
    child.on('close', (code) => {
      if (code === 0 || options.force) resolve();
      else reject(new IpCommandError(`ip ${args.join(' ')} failed (${code}): ${stderr.trim()}\n  commands: ${lines.join(' | ')}`));
    });
    endInput(child.stdin, lines.join('\n') + '\n', reject);
  });
}

/** Names of every network namespace (`ip netns list` prints "name" or "name (id: N)"). */
export async function listNamespaces(): Promise<string[]> {
  const out = await ip(['netns', 'list']);
  return out.split('\n').map((line) => line.trim().split(/\s+/)[0] ?? '').filter((name) => name.length > 0);
}

/** PIDs of the processes living in a namespace (empty when it has none or is gone). */
export async function namespacePids(netns: string): Promise<number[]> {
  try {
    const out = await ip(['netns', 'pids', netns]);
    return out.split('\n').map((line) => Number(line.trim())).filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return [];
  }
}

/** Writes a sysctl inside a namespace without a shell: /proc/sys is per-namespace for net.*. */
export function sysctlIn(netns: string, settings: Record<string, string>): Promise<void> {
  const assignments = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  return new Promise((resolve, reject) => {
    execFile('ip', ['netns', 'exec', netns, 'sysctl', '-q', '-w', ...assignments], (error, _stdout, stderr) => {
      if (error) reject(new IpCommandError(`sysctl in ${netns} (${assignments.join(' ')}): ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

/**
 * Waits until the named interfaces of a namespace are operationally up. A fresh veth reports its
 * carrier through the kernel's link watcher, up to a second later; until then the interface is
 * not RUNNING, Node's os.networkInterfaces() leaves it out and nothing leaves through it.
 */
export async function waitForLinksUp(netns: string, ifnames: readonly string[], timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await ip(['-n', netns, '-o', 'link', 'show']);
    const up = new Set(out.split('\n').flatMap((line) => {
      const name = /^\d+:\s+([^:@\s]+)/.exec(line)?.[1];
      return name && /<[^>]*\bLOWER_UP\b[^>]*>/.test(line) && /\bstate UP\b/.test(line) ? [name] : [];
    }));
    const missing = ifnames.filter((name) => !up.has(name));
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new IpCommandError(`${netns}: ${missing.join(', ')} did not come up within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
