import net from 'node:net';
import type { PortState } from '../types';
import type { ProbeScope } from './scope';

export type ConnectOutcome =
  | { state: 'open'; socket: net.Socket }
  | { state: Exclude<PortState, 'open'>; interrupted: boolean };

/**
 * What a failed connect says about the port. A refusal (RST) is a definite "closed"; anything
 * else (no route, ICMP unreachable, timeout, local errors) means we could not tell: "filtered".
 */
export function stateForConnectError(error: NodeJS.ErrnoException): Exclude<PortState, 'open'> {
  return error.code === 'ECONNREFUSED' ? 'closed' : 'filtered';
}

/**
 * TCP connect with its own deadline (net's `timeout` option is an idle timer, not a connect
 * timeout). An open socket stays registered with the scope until it closes, so an abort
 * destroys it wherever the caller is; callers watch 'close' and destroy it when done.
 */
export function connectTcp(ip: string, port: number, timeoutMs: number, scope: ProbeScope): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    if (scope.aborted) {
      resolve({ state: 'filtered', interrupted: true });
      return;
    }
    let socket: net.Socket;
    try {
      // ip is an address literal, so net does no DNS lookup.
      socket = net.connect({ host: ip, port });
    } catch {
      // e.g. ERR_SOCKET_BAD_PORT: nothing was sent, and a probe never throws
      resolve({ state: 'filtered', interrupted: false });
      return;
    }
    // Errors after the outcome is known (reset by peer, EPIPE on a write to a closed port) surface
    // as 'close'; without a listener a late 'error' event would crash the process.
    socket.on('error', () => undefined);
    let settled = false;
    const settle = (outcome: ConnectOutcome): void => {
      if (settled) return;
      settled = true;
      cancelTimer();
      untrackPending();
      socket.off('connect', onConnect);
      socket.off('error', onError);
      if (outcome.state !== 'open') socket.destroy();
      resolve(outcome);
    };
    const onConnect = (): void => {
      const untrackOpen = scope.track(() => socket.destroy());
      socket.once('close', untrackOpen);
      settle({ state: 'open', socket });
    };
    const onError = (error: NodeJS.ErrnoException): void => settle({ state: stateForConnectError(error), interrupted: false });
    const cancelTimer = scope.timer(timeoutMs, () => settle({ state: 'filtered', interrupted: false }));
    const untrackPending = scope.track(() => settle({ state: 'filtered', interrupted: true }));
    socket.once('connect', onConnect);
    socket.once('error', onError);
  });
}
