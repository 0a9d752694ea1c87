import { spawn } from 'node:child_process';
import { endInput } from '../../src/child-input';
import { NamespaceScanRunner } from '../../src/commands/namespace-runner';

/** A child that exits without reading its input must not take this process down with an EPIPE. */

function exited(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

describe('writing a child process its input', () => {
  it('lets a child that never reads its input end without an error thrown here', async () => {
    const errors: Error[] = [];
    // more than a pipe holds, to a child that exits at once: the write fails with EPIPE
    const input = 'x'.repeat(4 * 1024 * 1024);
    for (let i = 0; i < 5; i++) {
      const child = spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: ['pipe', 'ignore', 'ignore'] });
      endInput(child.stdin!, input, (error) => errors.push(error));
      expect(await exited(child)).toBe(3);
    }
    expect(errors).toEqual([]);
  });

  it('reports other write errors', () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: ['pipe', 'ignore', 'ignore'] });
    const errors: Error[] = [];
    endInput(child.stdin!, 'hello', (error) => errors.push(error));
    child.stdin!.emit('error', Object.assign(new Error('boom'), { code: 'EIO' }));
    expect(errors.map((e) => e.message)).toEqual(['boom']);
  });

  it('a scan runner whose namespace does not exist rejects with the reason, every time', async () => {
    const runner = new NamespaceScanRunner({ namespace: 'ra-no-such-namespace' });
    const job = { targets: ['10.0.0.0/30'], addresses: ['10.0.0.1'], timeoutMs: 1000 };
    const runs = Array.from({ length: 8 }, () => runner.run(job, { signal: new AbortController().signal, onProgress: () => undefined }));
    const outcomes = await Promise.allSettled(runs);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect(String((outcome as PromiseRejectedResult).reason)).toMatch(/ra-no-such-namespace.*without a result.*Cannot open network namespace/s);
    }
  });
});
