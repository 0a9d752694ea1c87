import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

/** Real servers on loopback for the probe tests; each one records what it saw and closes cleanly. */

export interface Closable {
  close(): Promise<void>;
}

export interface TcpServer extends Closable {
  port: number;
  /** connections accepted so far */
  connections: number;
  /** bytes received per connection, in order */
  received: Buffer[];
  /** resolves when every accepted connection has closed */
  allClosed(): Promise<void>;
  /** resolves once at least n connections have been accepted */
  waitForConnections(n: number): Promise<void>;
}

function listen(server: net.Server | http.Server, address = '127.0.0.1', port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** Tracks sockets so close() can end them (server.close waits for open connections otherwise). */
function tracker<S extends net.Server>(server: S, captureData: boolean) {
  const sockets = new Set<net.Socket>();
  const closedPromises: Array<Promise<void>> = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const state = { connections: 0, received: [] as Buffer[] };
  const onSocket = (socket: net.Socket): void => {
    state.connections += 1;
    const index = state.received.push(Buffer.alloc(0)) - 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    // Not for HTTP(S) servers: a second reader on a socket TLS has taken over would steal its bytes.
    if (captureData) {
      socket.on('data', (chunk: Buffer) => {
        state.received[index] = Buffer.concat([state.received[index] ?? Buffer.alloc(0), chunk]);
      });
    }
    closedPromises.push(new Promise((resolve) => socket.once('close', () => {
      sockets.delete(socket);
      resolve();
    })));
    for (const waiter of [...waiters]) {
      if (state.connections >= waiter.n) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  return {
    state,
    onSocket,
    allClosed: async () => {
      await Promise.all(closedPromises);
    },
    waitForConnections: (n: number) =>
      state.connections >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export async function tcpServer(onConnection: (socket: net.Socket) => void, address = '127.0.0.1'): Promise<TcpServer> {
  const server = net.createServer();
  const t = tracker(server, true);
  server.on('connection', (socket) => {
    t.onSocket(socket);
    onConnection(socket);
  });
  const port = await listen(server, address);
  return {
    port,
    get connections() {
      return t.state.connections;
    },
    received: t.state.received,
    allClosed: t.allClosed,
    waitForConnections: t.waitForConnections,
    close: t.close,
  };
}

export interface WebServer extends Omit<TcpServer, 'received'> {
  requests: http.IncomingMessage[];
  /** for TLS: the SNI name each connection sent (false when none) */
  servernames: Array<string | false>;
}

export async function webServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  options: { tls?: { key: Buffer; cert: Buffer }; address?: string; port?: number } = {},
): Promise<WebServer> {
  const requests: http.IncomingMessage[] = [];
  const servernames: Array<string | false> = [];
  const wrapped = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    requests.push(req);
    handler(req, res);
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, wrapped) : http.createServer(wrapped);
  const t = tracker(server, false);
  // Count TCP connections (a probe that fails TLS still connected).
  server.on('connection', (socket: net.Socket) => t.onSocket(socket));
  if (options.tls) {
    server.on('secureConnection', (socket: tls.TLSSocket) => servernames.push(socket.servername ?? false));
  }
  const port = await listen(server, options.address, options.port);
  return {
    port,
    get connections() {
      return t.state.connections;
    },
    requests,
    servernames,
    allClosed: t.allClosed,
    waitForConnections: t.waitForConnections,
    close: t.close,
  };
}

/** A port nothing listens on: bind, note the port, close. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface UdpResponder extends Closable {
  port: number;
  /** the datagrams received */
  messages: Buffer[];
}

/**
 * An SSDP responder on loopback. reply() builds the answer; replyFrom, when given, is a separate
 * socket (another loopback address) the answer is sent from.
 */
export async function udpResponder(reply: ((message: Buffer) => Buffer | null) | null, replyFrom?: string): Promise<UdpResponder> {
  const socket = dgram.createSocket('udp4');
  const sender = replyFrom ? dgram.createSocket('udp4') : null;
  const messages: Buffer[] = [];
  socket.on('message', (message, remote) => {
    messages.push(message);
    const answer = reply?.(message);
    if (answer) (sender ?? socket).send(answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  if (sender && replyFrom) await new Promise<void>((resolve) => sender.bind(0, replyFrom, resolve));
  return {
    port: socket.address().port,
    messages,
    close: async () => {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      if (sender) await new Promise<void>((resolve) => sender.close(() => resolve()));
    },
  };
}

/** A self-signed certificate made by openssl in a temp directory (removed at once). */
export function selfSignedCert(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'router-audit-cert-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=router.test',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BlackholePort extends Closable {
  port: number;
}

/**
 * A port whose SYNs go unanswered, so a connect can only time out ("filtered"), built without
 * touching the firewall: a listener (python3, which can listen without accepting) with backlog 0
 * whose accept queue is filled first. Linux then drops further SYNs.
 */
export async function blackholePort(): Promise<BlackholePort> {
  const child: ChildProcess = spawn('python3', ['-c', [
    'import socket, sys',
    's = socket.socket()',
    "s.bind(('127.0.0.1', 0))",
    's.listen(0)',
    'print(s.getsockname()[1], flush=True)',
    'sys.stdin.read()',
  ].join('\n')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
  });
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 3; i += 1) {
    const filler = net.connect(port, '127.0.0.1');
    filler.on('error', () => undefined);
    fillers.push(filler);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  return {
    port,
    close: async () => {
      for (const filler of fillers) filler.destroy();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      await exited;
    },
  };
}
