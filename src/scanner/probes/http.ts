import http from 'node:http';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { PortProbeResult } from '../types';
import type { ProbeScope } from './scope';
import { connectTcp } from './tcp';
import { cleanHintText, extractTitle, findTitle } from './text';

/** Enough for any login page's <head>; a device streaming more is not read further. */
export const MAX_BODY_BYTES = 64 * 1024;

export const USER_AGENT = 'router-audit (LAN security audit of TP-Link/Quad7 indicators)';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** at most MAX_BODY_BYTES */
  body: Buffer;
}

export interface HttpRequest {
  /** address literal to dial; also the Host header */
  ip: string;
  port: number;
  tls: boolean;
  path: string;
  connectMs: number;
  /** time allowed for the exchange once connected */
  responseMs: number;
  /** Date.now() by which everything must be over (caps responseMs after a slow connect) */
  deadlineAt?: number;
  /** stop reading once the body so far holds what we need */
  stopWhen?: (body: Buffer) => boolean;
}

export type HttpOutcome =
  | { state: 'open'; response: HttpResponse | null; interrupted: boolean }
  | { state: 'closed' | 'filtered'; interrupted: boolean };

/**
 * One GET over an already connected socket, through node's HTTP parser (chunked encoding, header
 * folding) on our own socket so the connect outcome stays ours. Resolves with whatever arrived by
 * the deadline — a response with a partial body is still useful — or null when none did.
 */
function exchange(socket: Socket, request: HttpRequest, scope: ProbeScope): Promise<HttpResponse | null> {
  return new Promise((resolve) => {
    // Routers use self-signed certificates; no servername, because SNI must not carry an IP.
    const transport = request.tls ? tls.connect({ socket, rejectUnauthorized: false }) : socket;
    transport.on('error', () => undefined); // failures end the request via its own 'error'/'close'
    let response: HttpResponse | null = null;
    let settled = false;
    let cancelDeadline: () => void = () => undefined;
    let untrack: () => void = () => undefined;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      cancelDeadline();
      untrack();
      req.destroy();
      transport.destroy();
      socket.destroy();
      resolve(response);
    };

    const defaultPort = request.tls ? 443 : 80;
    const req = http.request(
      {
        createConnection: () => transport,
        method: 'GET',
        path: request.path,
        setHost: false,
        headers: {
          Host: request.port === defaultPort ? request.ip : `${request.ip}:${request.port}`,
          'User-Agent': USER_AGENT,
          Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
          Connection: 'close',
        },
      },
      (res) => {
        const current: HttpResponse = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) };
        response = current;
        res.on('data', (chunk: Buffer) => {
          const room = MAX_BODY_BYTES - current.body.length;
          current.body = Buffer.concat([current.body, chunk.length > room ? chunk.subarray(0, room) : chunk]);
          if (current.body.length >= MAX_BODY_BYTES || request.stopWhen?.(current.body)) settle();
        });
        res.on('end', settle);
        res.on('error', settle);
      },
    );
    req.on('error', settle);
    req.on('close', settle);
    req.end();
    cancelDeadline = scope.timer(request.responseMs, settle);
    untrack = scope.track(settle);
  });
}

/** Connect, then GET. Never rejects. */
export async function httpGet(request: HttpRequest, scope: ProbeScope): Promise<HttpOutcome> {
  const connected = await connectTcp(request.ip, request.port, request.connectMs, scope);
  if (connected.state !== 'open') return connected;
  const responseMs = request.deadlineAt === undefined ? request.responseMs : Math.min(request.responseMs, request.deadlineAt - Date.now());
  if (responseMs <= 0) {
    connected.socket.destroy();
    return { state: 'open', response: null, interrupted: false };
  }
  const response = await exchange(connected.socket, { ...request, responseMs }, scope);
  return { state: 'open', response, interrupted: scope.aborted };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Where a redirect leads, if it stays on the probed host (any port); null otherwise. */
export function sameHostRedirect(location: string, base: string, ip: string): { url: URL; tls: boolean; port: number } | null {
  let url: URL;
  try {
    url = new URL(location, base);
  } catch {
    return null;
  }
  if (url.hostname !== ip || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  const useTls = url.protocol === 'https:';
  return { url, tls: useTls, port: url.port ? Number(url.port) : useTls ? 443 : 80 };
}

/** Basic/Digest realm: old TP-Link firmware names the model there ("TP-LINK Wireless N Router WR841N"). */
export function authRealm(header: string | undefined): string | null {
  const realm = /realm\s*=\s*"([^"]*)"/i.exec(header ?? '')?.[1];
  return realm === undefined ? null : cleanHintText(realm);
}

export interface HttpProbeTarget {
  ip: string;
  /** port as planned in content (what results report) */
  plannedPort: number;
  /** port actually dialled (the same, except under the tests' portMap) */
  dialPort: number;
  tls: boolean;
}

/**
 * The http/https probe: port state plus Server header, <title> and auth realm. A redirect to a
 * login page on the same host is followed once; one elsewhere is never followed. The redirect
 * shares the httpMs budget of the first request.
 */
export async function probeHttp(
  target: HttpProbeTarget,
  timeouts: { connectMs: number; httpMs: number },
  scope: ProbeScope,
): Promise<PortProbeResult> {
  const stopWhen = (body: Buffer): boolean => findTitle(body) !== null;
  // One budget for the port, redirect included: the first connect plus httpMs.
  const deadlineAt = Date.now() + timeouts.connectMs + timeouts.httpMs;
  const first = await httpGet(
    { ip: target.ip, port: target.dialPort, tls: target.tls, path: '/', connectMs: timeouts.connectMs, responseMs: timeouts.httpMs, stopWhen },
    scope,
  );
  const result: PortProbeResult = { port: target.plannedPort, state: first.state, banner: null };
  if (first.interrupted) result.interrupted = true;
  if (first.state !== 'open' || !first.response) return result;

  let final = first.response;
  let redirectedTo: string | undefined;
  const location = headerValue(final.headers.location);
  if (REDIRECTS.has(final.status) && location && !scope.aborted) {
    const base = `${target.tls ? 'https' : 'http'}://${target.ip}:${target.dialPort}/`;
    const next = sameHostRedirect(location, base, target.ip);
    const remaining = deadlineAt - Date.now();
    if (next && remaining > 0) {
      const second = await httpGet(
        {
          ip: target.ip, port: next.port, tls: next.tls, path: `${next.url.pathname}${next.url.search}`,
          connectMs: Math.min(timeouts.connectMs, remaining), responseMs: remaining, deadlineAt, stopWhen,
        },
        scope,
      );
      if (second.interrupted) result.interrupted = true;
      if (second.state === 'open' && second.response) {
        final = second.response;
        redirectedTo = next.url.href;
      }
    }
  }

  const server = cleanHintText(headerValue(final.headers.server) ?? headerValue(first.response.headers.server) ?? '');
  // A redirect's own page ("302 Found") says nothing about the device.
  const title = REDIRECTS.has(final.status) ? null : extractTitle(final.body, headerValue(final.headers['content-type']));
  const realm = authRealm(headerValue(final.headers['www-authenticate']));
  result.http = { status: final.status, server, title, realm };
  if (redirectedTo) result.http.redirectedTo = redirectedTo;
  return result;
}
