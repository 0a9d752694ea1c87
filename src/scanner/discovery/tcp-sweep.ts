import { setMaxListeners } from 'node:events';
import net from 'node:net';
import { createLimiter, type Limiter } from '../limiter';
import type { DiscoveredHost } from '../types';

/**
 * Discovery behind a router, where ARP cannot see: try a few common TCP ports on every address.
 * Any answer proves the host is alive, a refusal (RST) as much as an accepted connection. The
 * first answer settles an address; its other attempts are cancelled.
 */

export interface TcpSweepOptions {
  ports: readonly number[];
  /** give up on one connection attempt after this long (no answer at all: filtered or absent) */
  timeoutMs: number;
  /** connection attempts in flight at once, over all addresses */
  concurrency: number;
  signal?: AbortSignal;
  gateways: ReadonlySet<string>;
}

type Outcome = 'alive' | 'unreachable' | 'silent';

/** One connection attempt. Resolves, never rejects. */
function knock(ip: string, port: number, timeoutMs: number, cancel: AbortSignal): Promise<Outcome> {
  return new Promise((resolve) => {
    if (cancel.aborted) return resolve('silent');
    const socket = net.connect({ host: ip, port });
    const finish = (outcome: Outcome): void => {
      clearTimeout(timer);
      cancel.removeEventListener('abort', onCancel);
      socket.destroy();
      resolve(outcome);
    };
    const onCancel = (): void => finish('silent');
    const timer = setTimeout(() => finish('silent'), timeoutMs);
    cancel.addEventListener('abort', onCancel, { once: true });
    socket.once('connect', () => finish('alive'));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // ECONNREFUSED: the host itself sent a reset. EHOSTUNREACH/ENETUNREACH: a router said no.
      finish(error.code === 'ECONNREFUSED' ? 'alive' : error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH' ? 'unreachable' : 'silent');
    });
  });
}

/**
 * Lets at most `perTurn` connection attempts start per turn of the event loop. Hundreds of
 * connects in one go (the first wave, or a wave of timeouts freeing slots at once) would stall
 * the loop for tens of milliseconds, delaying the probes of hosts already found; between turns
 * the loop handles their I/O.
 */
function createPacer(perTurn: number): () => Promise<void> {
  let used = 0;
  let nextTurn: Promise<void> | null = null;
  return async function pace(): Promise<void> {
    while (used >= perTurn) {
      nextTurn ??= new Promise((resolve) => setImmediate(() => {
        used = 0;
        nextTurn = null;
        resolve();
      }));
      await nextTurn;
    }
    used += 1;
  };
}

const CONNECTS_PER_TURN = 48;

async function probeAddress(ip: string, options: TcpSweepOptions, limiter: Limiter, pace: () => Promise<void>): Promise<boolean> {
  const settled = new AbortController();
  setMaxListeners(0, settled.signal); // one listener per port
  const outer = options.signal;
  const onOuterAbort = (): void => settled.abort();
  if (outer?.aborted) settled.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const attempts = options.ports.map((port) => limiter.run(async () => {
      if (settled.signal.aborted) return 'silent' as const;
      await pace();
      if (settled.signal.aborted) return 'silent' as const;
      const outcome = await knock(ip, port, options.timeoutMs, settled.signal);
      // One answer is enough; "unreachable" from the router also settles it.
      if (outcome !== 'silent') settled.abort();
      return outcome;
    }));
    const outcomes = await Promise.all(attempts);
    return outcomes.includes('alive');
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

export async function sweepRouted(
  addresses: readonly string[],
  options: TcpSweepOptions,
  onHost: (host: DiscoveredHost) => void,
): Promise<DiscoveredHost[]> {
  if (addresses.length === 0 || options.ports.length === 0 || options.signal?.aborted) return [];
  const limiter = createLimiter(options.concurrency);
  const pace = createPacer(CONNECTS_PER_TURN);
  // One listener per address on the caller's signal would trip Node's leak warning: relay it
  // through a signal of our own that expects many listeners.
  const relay = new AbortController();
  setMaxListeners(0, relay.signal);
  const abortRelay = (): void => relay.abort();
  if (options.signal?.aborted) relay.abort();
  options.signal?.addEventListener('abort', abortRelay, { once: true });
  const perAddress = { ...options, signal: relay.signal };
  const found: DiscoveredHost[] = [];
  try {
    await Promise.all(addresses.map(async (ip) => {
      // An answer that came before an abort is still true: report it.
      if (!(await probeAddress(ip, perAddress, limiter, pace))) return;
      const host: DiscoveredHost = { ip, mac: null, gateway: options.gateways.has(ip), via: 'tcp' };
      found.push(host);
      onHost(host);
    }));
  } finally {
    options.signal?.removeEventListener('abort', abortRelay);
  }
  return found;
}
