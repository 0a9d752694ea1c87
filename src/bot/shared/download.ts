import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { IncomingFile } from '../../commands/types';

/**
 * Size-limited downloads of files users send in chat. Each command gets its own temp directory
 * (UploadDir); a file is streamed into it and never held in memory. The limit is checked three
 * times: against the size the platform declared (before any request), against Content-Length
 * (before any byte is written), and while streaming (the only check that cannot lie: the partial
 * file is deleted). Only https, except loopback (the tests' stand-ins). The directory is removed
 * when the command is done, whatever happened (withUploadDir).
 */

export type DownloadProblem =
  /** over the limit: declared, by Content-Length, or while streaming */
  | 'too-large'
  /** not https, not a URL, or not on a host the caller trusts with its headers */
  | 'bad-url'
  /** the server answered something other than 200 */
  | 'http-status'
  /** a web page instead of the file (Slack's login page when the token may not read files) */
  | 'not-a-file'
  | 'timeout'
  | 'cancelled'
  | 'network';

/** Why a download did not happen. `message` is plain and safe to show a user (no URL, no header). */
export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(
    readonly problem: DownloadProblem,
    message: string,
    /** bytes that had been received when it stopped (0: nothing was downloaded) */
    readonly received = 0,
  ) {
    super(message);
  }
}

export interface DownloadRequest {
  url: string;
  /** the name the user gave the file; only its last path part, cleaned, is used on disk */
  name: string;
  /** request headers (Slack: Authorization: Bearer <bot token>); dropped on a redirect to another origin */
  headers?: Record<string, string>;
  maxBytes: number;
  /** the size the platform says the file has; over the limit → refused without a request */
  declaredSize?: number;
  /** the whole download; default 10 minutes */
  timeoutMs?: number;
  /** no byte for this long (also: no answer); default 30 s */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** refuse a text/html answer (a login page instead of the file) */
  refuseHtml?: boolean;
  /** hosts that may receive this request at all (e.g. Slack's file servers for a Bearer token); loopback always may */
  trustedHost?: (url: URL) => boolean;
  /** default 3 */
  maxRedirects?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** "200 MB", "2 GB", "1.5 MB", "900 bytes" (1024-based, like SPRAY_MAX_UPLOAD_MB). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const shown = value >= 10 || Number.isInteger(value) ? String(Math.round(value)) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The URL, if the bot may fetch it: https, or http on loopback (tests). */
export function checkDownloadUrl(raw: string, trustedHost?: (url: URL) => boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DownloadError('bad-url', 'the link to the file is not a valid URL');
  }
  const loopback = isLoopback(url);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new DownloadError('bad-url', `the link to the file is not https (${url.protocol.replace(/:$/, '')})`);
  }
  if (!loopback && trustedHost && !trustedHost(url)) {
    throw new DownloadError('bad-url', `the file is not on the platform's file server (${url.hostname})`);
  }
  return url;
}

/** The last path part of a user's file name, with only safe characters; never empty, never hidden. */
export function safeFileName(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  const clean = base.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return (clean.length > 100 ? clean.slice(-100) : clean) || 'upload';
}

/** Stops the stream once more than `max` bytes went through it. */
class ByteLimit extends Transform {
  received = 0;
  constructor(
    private readonly max: number,
    private readonly what: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.max) {
      done(new DownloadError('too-large', `${this.what} is larger than ${formatBytes(this.max)}; the download was stopped`, this.received));
      return;
    }
    done(null, chunk);
  }
}

interface Attempt {
  response: http.IncomingMessage;
  /** set when the idle timer fired */
  idle: () => boolean;
}

function requestOnce(url: URL, headers: Record<string, string>, idleMs: number, signal: AbortSignal): Promise<Attempt> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<Attempt>((resolve, reject) => {
    let idle = false;
    // agent: false: a connection per download, nothing pooled outlives the command.
    const req = lib.get(url, { headers, signal, agent: false }, (response) => resolve({ response, idle: () => idle }));
    req.setTimeout(idleMs, () => {
      idle = true;
      req.destroy(new DownloadError('timeout', `the file server sent nothing for ${Math.round(idleMs / 1000)} s`));
    });
    req.on('error', reject);
  });
}

/** GET with redirects followed by hand: each hop is checked, headers go only to the first origin. */
async function open(request: DownloadRequest, signal: AbortSignal, idleMs: number): Promise<Attempt> {
  let url = checkDownloadUrl(request.url, request.trustedHost);
  const origin = url.origin;
  for (let hop = 0; ; hop += 1) {
    const headers = url.origin === origin ? { ...request.headers } : {};
    const attempt = await requestOnce(url, headers, idleMs, signal);
    const { statusCode = 0, headers: answer } = attempt.response;
    if (!REDIRECTS.has(statusCode)) return attempt;
    attempt.response.resume();
    if (hop >= (request.maxRedirects ?? DEFAULT_MAX_REDIRECTS) || !answer.location) {
      throw new DownloadError('http-status', `the file server kept redirecting (HTTP ${statusCode})`);
    }
    url = checkDownloadUrl(new URL(answer.location, url).toString(), request.trustedHost);
  }
}

function describeFailure(error: unknown, context: { deadline: AbortSignal; caller?: AbortSignal; idle: boolean; timeoutMs: number; received: number }): DownloadError {
  if (error instanceof DownloadError) return error;
  if (context.caller?.aborted) return new DownloadError('cancelled', 'the download was cancelled (the bot is stopping)', context.received);
  if (context.deadline.aborted) return new DownloadError('timeout', `the download took longer than ${Math.round(context.timeoutMs / 1000)} s`, context.received);
  if (context.idle) return new DownloadError('timeout', 'the file server stopped sending', context.received);
  const code = typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'error';
  return new DownloadError('network', `the download failed (${code})`, context.received);
}

/** Streams `request.url` into `file` (created, never overwritten). Throws DownloadError; a partial file is removed. */
export async function downloadFile(request: DownloadRequest, file: string): Promise<number> {
  const what = `"${request.name}"`;
  if (request.declaredSize !== undefined && request.declaredSize > request.maxBytes) {
    throw new DownloadError('too-large', `${what} is ${formatBytes(request.declaredSize)}, over the limit of ${formatBytes(request.maxBytes)}`);
  }
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
  const limit = new ByteLimit(request.maxBytes, what);
  let attempt: Attempt | undefined;
  let writing = false;
  try {
    attempt = await open(request, signal, request.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
    const { response } = attempt;
    const status = response.statusCode ?? 0;
    if (status !== 200) throw new DownloadError('http-status', `the file server answered HTTP ${status}`);
    const type = String(response.headers['content-type'] ?? '').toLowerCase();
    if (request.refuseHtml && type.startsWith('text/html')) {
      throw new DownloadError('not-a-file', 'the file server sent a web page instead of the file (the bot may not have permission to read files)');
    }
    const length = Number(response.headers['content-length']);
    if (Number.isFinite(length) && length > request.maxBytes) {
      throw new DownloadError('too-large', `${what} is ${formatBytes(length)}, over the limit of ${formatBytes(request.maxBytes)}`);
    }
    writing = true;
    await pipeline(response, limit, createWriteStream(file, { flags: 'wx', mode: 0o600 }), { signal });
    return limit.received;
  } catch (error) {
    attempt?.response.destroy();
    if (writing) await rm(file, { force: true });
    throw describeFailure(error, { deadline, caller: request.signal, idle: attempt?.idle() ?? false, timeoutMs, received: limit.received });
  }
}

/** A command's own temp directory for the files its user sent. */
export class UploadDir {
  private count = 0;

  private constructor(readonly dir: string) {}

  /** mkdtemp under `root` (default the OS temp dir): private to this process's user (mode 0700). */
  static async create(root: string = os.tmpdir()): Promise<UploadDir> {
    return new UploadDir(await mkdtemp(path.join(root, 'router-audit-upload-')));
  }

  /** Downloads one file into its own subdirectory, under its (cleaned) name. */
  async download(request: DownloadRequest): Promise<IncomingFile> {
    this.count += 1;
    const folder = path.join(this.dir, String(this.count));
    await mkdir(folder, { mode: 0o700 });
    const file = path.join(folder, safeFileName(request.name));
    const size = await downloadFile(request, file);
    return { name: request.name, path: file, size };
  }

  /** Removes the directory and everything in it. */
  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Runs `fn` with a fresh UploadDir and removes it afterwards, also when `fn` throws. */
export async function withUploadDir<T>(root: string | undefined, fn: (dir: UploadDir) => Promise<T>, onCleanupError?: (error: unknown, dir: string) => void): Promise<T> {
  const dir = await UploadDir.create(root);
  try {
    return await fn(dir);
  } finally {
    await dir.dispose().catch((error: unknown) => onCleanupError?.(error, dir.dir));
  }
}
