/**
 * The size-limited downloader against a real HTTP server on 127.0.0.1: what arrives, what is
 * refused before a request or before a byte is written, what is cut off while streaming (and
 * deleted), and that the temp directory goes away whatever happens.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DownloadError, UploadDir, checkDownloadUrl, downloadFile, formatBytes, safeFileName, withUploadDir } from '../../../src/bot/shared/download';

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface TestServer {
  base: string;
  requests: Array<{ path: string; authorization: string | undefined }>;
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Route>();
  const requests: TestServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    const handler = routes.get(req.url ?? '');
    if (handler) handler(req, res);
    else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    route: (p, h) => routes.set(p, h),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends `total` bytes in `chunk`-sized pieces without Content-Length (chunked encoding). */
function chunked(total: number, chunk = 64 * 1024, everyMs = 0): Route {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    let sent = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (sent >= total) {
        res.end();
        return;
      }
      const size = Math.min(chunk, total - sent);
      sent += size;
      res.write(Buffer.alloc(size, 0x61));
      if (everyMs > 0) setTimeout(next, everyMs);
      else setImmediate(next);
    };
    next();
  };
}

async function expectProblem(promise: Promise<unknown>, problem: DownloadError['problem']): Promise<DownloadError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected a DownloadError (${problem}), the download succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  expect((error as DownloadError).problem).toBe(problem);
  return error as DownloadError;
}

describe('downloadFile', () => {
  let server: TestServer;
  let dir: string;
  const LIMIT = 100 * 1024;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ra-download-test-'));
    server.requests.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a file within the limit to disk, with the headers it was given', async () => {
    const body = Buffer.from('{"value":[]}\n'.repeat(100));
    server.route('/ok', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
    const file = path.join(dir, 'ok.json');
    const size = await downloadFile({ url: `${server.base}/ok`, name: 'ok.json', maxBytes: LIMIT, headers: { authorization: 'Bearer xoxb-1' } }, file);
    expect(size).toBe(body.length);
    expect(readFileSync(file).equals(body)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(server.requests).toEqual([{ path: '/ok', authorization: 'Bearer xoxb-1' }]);
  });

  it('accepts a file of exactly the limit and a chunked one under it', async () => {
    server.route('/exact', chunked(LIMIT));
    expect(await downloadFile({ url: `${server.base}/exact`, name: 'exact', maxBytes: LIMIT }, path.join(dir, 'exact'))).toBe(LIMIT);
  });

  it('refuses a declared size over the limit without making a request', async () => {
    server.route('/big', chunked(10));
    const file = path.join(dir, 'big');
    const error = await expectProblem(downloadFile({ url: `${server.base}/big`, name: 'big.log', maxBytes: LIMIT, declaredSize: 2 * 1024 ** 3 }, file), 'too-large');
    expect(error.message).toContain('2 GB');
    expect(error.received).toBe(0);
    expect(server.requests).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a Content-Length over the limit before writing a byte', async () => {
    server.route('/long', (_req, res) => {
      res.writeHead(200, { 'content-length': String(LIMIT * 4) });
      res.end(Buffer.alloc(LIMIT * 4));
    });
    const file = path.join(dir, 'long');
    await expectProblem(downloadFile({ url: `${server.base}/long`, name: 'long', maxBytes: LIMIT, declaredSize: 10 }, file), 'too-large');
    expect(existsSync(file)).toBe(false);
  });

  it('stops a chunked stream that goes over the limit although the declared size was small, and deletes the part', async () => {
    server.route('/liar', chunked(LIMIT * 20));
    const file = path.join(dir, 'liar');
    const error = await expectProblem(downloadFile({ url: `${server.base}/liar`, name: 'liar', maxBytes: LIMIT, declaredSize: 1000 }, file), 'too-large');
    expect(error.received).toBeGreaterThan(LIMIT);
    // Stopped early, not after reading everything.
    expect(error.received).toBeLessThan(LIMIT * 20);
    expect(existsSync(file)).toBe(false);
  });

  it('reports a server error and leaves no file', async () => {
    server.route('/error', (_req, res) => {
      res.writeHead(500);
      res.end('boom');
    });
    const file = path.join(dir, 'error');
    const error = await expectProblem(downloadFile({ url: `${server.base}/error`, name: 'e', maxBytes: LIMIT }, file), 'http-status');
    expect(error.message).toContain('HTTP 500');
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a web page when asked to (a login page instead of the file)', async () => {
    server.route('/login', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html>Sign in</html>');
    });
    await expectProblem(downloadFile({ url: `${server.base}/login`, name: 'a.log', maxBytes: LIMIT, refuseHtml: true }, path.join(dir, 'a')), 'not-a-file');
  });

  it('gives up on a server that answers nothing (idle timeout)', async () => {
    server.route('/silent', () => undefined);
    await expectProblem(downloadFile({ url: `${server.base}/silent`, name: 's', maxBytes: LIMIT, idleTimeoutMs: 200 }, path.join(dir, 's')), 'timeout');
  });

  it('gives up on a server that drips too slowly for the whole-download deadline, and deletes the part', async () => {
    server.route('/drip', chunked(LIMIT, 100, 20));
    const file = path.join(dir, 'drip');
    const error = await expectProblem(downloadFile({ url: `${server.base}/drip`, name: 'd', maxBytes: LIMIT, timeoutMs: 300 }, file), 'timeout');
    expect(error.received).toBeGreaterThan(0);
    expect(existsSync(file)).toBe(false);
  });

  it('stops when the caller cancels', async () => {
    server.route('/cancel', chunked(LIMIT, 100, 20));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const file = path.join(dir, 'cancel');
    await expectProblem(downloadFile({ url: `${server.base}/cancel`, name: 'c', maxBytes: LIMIT, signal: controller.signal }, file), 'cancelled');
    expect(existsSync(file)).toBe(false);
  });

  it('follows a redirect on the same origin with the headers, and drops them for another origin', async () => {
    const other = await startServer();
    try {
      other.route('/elsewhere', chunked(10));
      server.route('/hop', (_req, res) => {
        res.writeHead(302, { location: '/ok2' });
        res.end();
      });
      server.route('/ok2', (_req, res) => {
        res.writeHead(302, { location: `${other.base}/elsewhere` });
        res.end();
      });
      const size = await downloadFile({ url: `${server.base}/hop`, name: 'h', maxBytes: LIMIT, headers: { authorization: 'Bearer secret' } }, path.join(dir, 'h'));
      expect(size).toBe(10);
      expect(server.requests.map((r) => r.authorization)).toEqual(['Bearer secret', 'Bearer secret']);
      expect(other.requests).toEqual([{ path: '/elsewhere', authorization: undefined }]);
    } finally {
      await other.close();
    }
  });

  it('refuses plain http off loopback and hosts the caller does not trust, before any request', async () => {
    await expectProblem(downloadFile({ url: 'http://files.example.com/a.log', name: 'a', maxBytes: LIMIT }, path.join(dir, 'a')), 'bad-url');
    await expectProblem(downloadFile({ url: 'ftp://127.0.0.1/a.log', name: 'a', maxBytes: LIMIT }, path.join(dir, 'a')), 'bad-url');
    await expectProblem(downloadFile({ url: 'not a url', name: 'a', maxBytes: LIMIT }, path.join(dir, 'a')), 'bad-url');
    const slackOnly = (url: URL): boolean => url.hostname.endsWith('.slack.com');
    expect(() => checkDownloadUrl('https://evil.example.net/f', slackOnly)).toThrow(DownloadError);
    expect(checkDownloadUrl('https://files.slack.com/files-pri/T1-F1/download/a.log', slackOnly).hostname).toBe('files.slack.com');
    expect(checkDownloadUrl(`${server.base}/x`, slackOnly).hostname).toBe('127.0.0.1');
    expect(checkDownloadUrl('http://[::1]:8080/x').hostname).toBe('[::1]');
  });
});

describe('UploadDir and withUploadDir', () => {
  let server: TestServer;
  let root: string;

  beforeAll(async () => {
    server = await startServer();
    server.route('/a', chunked(1000));
    server.route('/huge', chunked(10 * 1024 * 1024));
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ra-upload-root-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps each file under its cleaned name in a private directory, and removes it all afterwards', async () => {
    let seen: string[] = [];
    const files = await withUploadDir(root, async (dir) => {
      expect(statSync(dir.dir).mode & 0o777).toBe(0o700);
      const first = await dir.download({ url: `${server.base}/a`, name: '../../etc/passwd', maxBytes: 4096 });
      const second = await dir.download({ url: `${server.base}/a`, name: 'passwd', maxBytes: 4096 });
      seen = [first.path, second.path];
      return [first, second];
    });
    expect(files.map((f) => f.name)).toEqual(['../../etc/passwd', 'passwd']);
    expect(files.map((f) => f.size)).toEqual([1000, 1000]);
    expect(seen.every((p) => p.startsWith(root) && path.basename(p) === 'passwd')).toBe(true);
    expect(seen[0]).not.toBe(seen[1]);
    expect(readdirSync(root)).toEqual([]);
  });

  it('removes the directory when the work fails, and when a download is cut off', async () => {
    await expect(withUploadDir(root, async (dir) => {
      await dir.download({ url: `${server.base}/a`, name: 'a', maxBytes: 4096 });
      throw new Error('analysis failed');
    })).rejects.toThrow('analysis failed');
    await expect(withUploadDir(root, (dir) => dir.download({ url: `${server.base}/huge`, name: 'huge', maxBytes: 4096 }))).rejects.toBeInstanceOf(DownloadError);
    expect(readdirSync(root)).toEqual([]);
  });

  it('makes directories in the OS temp dir by default', async () => {
    const dir = await UploadDir.create();
    try {
      expect(dir.dir.startsWith(os.tmpdir())).toBe(true);
    } finally {
      await dir.dispose();
    }
    expect(existsSync(dir.dir)).toBe(false);
  });
});

describe('formatBytes and safeFileName', () => {
  it('formats sizes the way SPRAY_MAX_UPLOAD_MB counts them', () => {
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2 GB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
    expect(formatBytes(900)).toBe('900 bytes');
    expect(formatBytes(1)).toBe('1 byte');
  });

  it('keeps the last path part with safe characters only, never hidden or empty', () => {
    expect(safeFileName('C:\\logs\\sign ins (1).json')).toBe('sign_ins_1_.json');
    expect(safeFileName('.env')).toBe('env');
    expect(safeFileName('..')).toBe('upload');
    expect(safeFileName('')).toBe('upload');
    expect(safeFileName(`${'x'.repeat(300)}.log`)).toHaveLength(100);
  });
});
