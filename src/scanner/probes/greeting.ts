import type { Socket } from 'node:net';
import type { ProbeScope } from './scope';

/** A greeting longer than this is not needed to recognise a service. */
export const MAX_GREETING_BYTES = 512;

/**
 * Once a greeting has started, how long to wait for the rest of it (a multi-line FTP banner, a
 * prompt sent after a newline). Restarted by each chunk; the overall window still caps it. Kept in
 * code rather than content: it is a property of how TCP delivers greetings, not of any indicator.
 */
export const GREETING_GRACE_MS = 40;

export interface GreetingOptions {
  /** total time allowed for the greeting, from now */
  windowMs: number;
  scope: ProbeScope;
  /**
   * Looks at each chunk: may write to the socket (Telnet refusals) and says whether the chunk was
   * part of a greeting worth waiting the grace for. Default: every chunk is.
   */
  onChunk?: (chunk: Buffer, socket: Socket) => boolean;
  /** stop as soon as the bytes so far are enough (e.g. a two-byte SOCKS reply) */
  isComplete?: (bytes: Buffer) => boolean;
}

export interface Greeting {
  bytes: Buffer;
  /** the read was cut short by an abort */
  interrupted: boolean;
}

/**
 * Reads what a service says, up to MAX_GREETING_BYTES, until the window ends, the grace after the
 * greeting runs out, the peer closes, or the scope aborts. Never rejects; never destroys the socket.
 */
export function readGreeting(socket: Socket, options: GreetingOptions): Promise<Greeting> {
  const { scope } = options;
  return new Promise((resolve) => {
    if (scope.aborted) {
      resolve({ bytes: Buffer.alloc(0), interrupted: true });
      return;
    }
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    let cancelGrace: () => void = () => undefined;
    const collected = (): Buffer => Buffer.concat(chunks, length);

    const settle = (): void => {
      if (settled) return;
      settled = true;
      cancelWindow();
      cancelGrace();
      untrack();
      socket.off('data', onData);
      socket.off('end', settle);
      socket.off('close', settle);
      socket.pause();
      resolve({ bytes: collected(), interrupted: scope.aborted });
    };

    const onData = (chunk: Buffer): void => {
      const room = MAX_GREETING_BYTES - length;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      chunks.push(kept);
      length += kept.length;
      const meaningful = options.onChunk ? options.onChunk(chunk, socket) : true;
      if (length >= MAX_GREETING_BYTES || options.isComplete?.(collected())) {
        settle();
        return;
      }
      if (meaningful) {
        cancelGrace();
        cancelGrace = scope.timer(GREETING_GRACE_MS, settle);
      }
    };

    // When the window ends, give the poll phase one more turn: after an event-loop stall the timer
    // fires before bytes that already arrived are delivered, and a greeting would read as silence.
    const cancelWindow = scope.timer(options.windowMs, () => setImmediate(settle));
    const untrack = scope.track(settle);
    socket.on('data', onData);
    socket.once('end', settle);
    socket.once('close', settle);
    if (socket.destroyed) settle();
  });
}
