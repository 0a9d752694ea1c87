import type { Writable } from 'node:stream';

/**
 * Writes a child process's whole input and closes it. A child that exits without reading it (an
 * `ip netns exec` into a namespace that is gone, a command that fails at once) closes the pipe
 * first: that EPIPE says nothing the exit status and stderr do not, and with no listener it
 * would be thrown out of this process.
 */
export function endInput(stdin: Writable, text: string, onError: (error: Error) => void = () => undefined): void {
  stdin.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') onError(error);
  });
  stdin.end(text);
}
