/**
 * Loopback HTTP plumbing shared by the stand-in servers: listen on 127.0.0.1 with a kernel-chosen
 * port, read and parse request bodies the way the platforms would, answer JSON, and close without
 * leaving sockets behind.
 *
 *   const srv = await listenOnLoopback((req, res) => sendJson(res, 200, { ok: true }));
 *   srv.baseUrl  // "http://127.0.0.1:41234"
 *   await srv.close();
 *
 * Bodies: `readRequest(req)` gives the raw bytes plus a parsed view:
 *   - application/x-www-form-urlencoded → `fields` (what @slack/web-api sends)
 *   - application/json                  → `json`   (Bolt's respond(), discord.js REST)
 *   - multipart/form-data               → `fields` + `files` (Slack uploads, discord.js attachments)
 * Multipart is parsed by the runtime's own fetch `Response#formData()` (undici), so there is no
 * hand-written parser to get wrong.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export const LOOPBACK_HOST = '127.0.0.1';

/**
 * A port that was free on 127.0.0.1 a moment ago, for a process that must be told its port
 * before it starts (PORT for the bot's HTTP receiver).
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, LOOPBACK_HOST, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

export interface LoopbackServer {
  readonly server: http.Server;
  readonly port: number;
  /** "http://127.0.0.1:<port>" (no trailing slash). */
  readonly baseUrl: string;
  /** Stops listening and drops every open connection (keep-alive included). Idempotent. */
  close(): Promise<void>;
}

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/**
 * Listens on 127.0.0.1:0. A handler that throws answers 500 with the message (and the stand-in's
 * own log shows it) instead of crashing the test process.
 */
export async function listenOnLoopback(handler: RequestHandler): Promise<LoopbackServer> {
  const sockets = new Set<Duplex>();
  const server = http.createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        if (!res.headersSent) sendJson(res, 500, { error: `stand-in failed: ${message}` });
        else res.destroy();
      });
  });
  // Track raw sockets too: upgraded (WebSocket) sockets are no longer known to the http server,
  // and closeAllConnections() would miss them.
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    baseUrl: `http://${LOOPBACK_HOST}:${port}`,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

export interface UploadedFile {
  /** Multipart field name, e.g. "files[0]" (Discord) or "body"/"file" (Slack upload URL). */
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface ParsedRequest {
  /** HTTP verb, upper case. */
  verb: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  contentType: string;
  raw: Buffer;
  /** Form fields (urlencoded or the text parts of multipart). */
  fields: Record<string, string>;
  /** Parsed JSON body, when the body was JSON. */
  json: unknown;
  /** Set when a JSON body (or multipart `payload_json`) did not parse; the stand-in answers as the platform would. */
  jsonError: string | undefined;
  /** File parts of a multipart body. */
  files: UploadedFile[];
}

/** Large enough for any report attachment a test would send; stops a runaway client. */
const MAX_BODY_BYTES = 50 * 1024 * 1024;

export async function readRequest(req: http.IncomingMessage): Promise<ParsedRequest> {
  const raw = await readBody(req);
  const url = new URL(req.url ?? '/', `http://${LOOPBACK_HOST}`);
  const contentType = String(req.headers['content-type'] ?? '');
  const parsed: ParsedRequest = {
    verb: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    contentType,
    raw,
    fields: {},
    json: undefined,
    jsonError: undefined,
    files: [],
  };
  if (raw.length === 0) return parsed;
  const mime = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (mime === 'application/x-www-form-urlencoded') {
    parsed.fields = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  } else if (mime === 'application/json') {
    try {
      parsed.json = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      parsed.jsonError = error instanceof Error ? error.message : String(error);
    }
  } else if (mime === 'multipart/form-data') {
    await parseMultipart(raw, contentType, parsed);
  }
  return parsed;
}

async function parseMultipart(raw: Buffer, contentType: string, into: ParsedRequest): Promise<void> {
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      into.fields[field] = value;
    } else {
      into.files.push({
        field,
        filename: value.name,
        contentType: value.type,
        bytes: Buffer.from(await value.arrayBuffer()),
      });
    }
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: http.ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}
