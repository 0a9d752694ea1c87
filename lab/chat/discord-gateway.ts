/**
 * Discord gateway stand-in: a WebSocket server on 127.0.0.1 that speaks gateway v10 to the real
 * discord.js client. Usually started through startDiscord() (discord.ts).
 *
 * What discord.js 14 (with @discordjs/ws 1.x) does, and what this server therefore speaks:
 *   - gets the URL from REST `GET /gateway/bot` and connects to `${url}?v=10&encoding=json`, with
 *     the `ws` package; no `compress` parameter unless the optional `zlib-sync` package is
 *     installed (it is not here), and JSON rather than ETF (ETF needs `erlpack`). So: plain JSON
 *     text frames. A client asking for anything else is closed with 4002 and a reason that says so.
 *   - waits for HELLO (op 10, `heartbeat_interval`), then sends IDENTIFY (op 2: token without the
 *     "Bot " prefix, intents, properties, shard [0, 1]); on RESUME (op 6) it expects RESUMED.
 *   - first heartbeat after `heartbeat_interval × random()`, then every interval; a missing
 *     HEARTBEAT_ACK (op 11) before the next beat makes it drop the connection as a zombie.
 *   - READY (op 0, t READY) must carry user, application {id, flags}, session_id,
 *     resume_gateway_url and guilds. Every guild listed there is "unavailable" until its
 *     GUILD_CREATE arrives; discord.js emits `clientReady` only after all of them came (or after
 *     waitGuildTimeout, 15 s). This server sends one GUILD_CREATE per configured guild right after
 *     READY, so the client is ready at once.
 *   - closing: `client.destroy()` sends close 1000 and waits for the close echo (ws answers it).
 *
 *   const gw = await startDiscordGateway({ token, applicationId, bot, guilds, heartbeatIntervalMs: 250 });
 *   await gw.waitForIdentify();
 *   gw.dispatch('INTERACTION_CREATE', payload);
 *
 * Destroy the discord.js client before closing this server, or it will try to reconnect.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes } from 'discord.js';
import { WebSocketServer, type WebSocket } from 'ws';
import { CallLog, type WaitOptions } from './call-log';
import { guildCreatePayload, readyPayload, snowflake, type DiscordGuildSpec, type DiscordUserSpec } from './discord-payloads';
import { listenOnLoopback, sendJson, type LoopbackServer } from './loopback-http';

/** Discord's own default heartbeat interval. */
export const DEFAULT_HEARTBEAT_MS = 41_250;

export interface GatewayConnection {
  id: number;
  /** Query the client connected with: expect { v: '10', encoding: 'json' } and no compress. */
  query: Record<string, string>;
  openedAt: number;
}

/** A payload the client sent. */
export interface GatewayFrame {
  connectionId: number;
  op: number;
  d: unknown;
  receivedAt: number;
}

/** A payload this server sent. */
export interface GatewaySent {
  connectionId: number;
  op: number;
  t: string | null;
  s: number | null;
  d: unknown;
}

export interface DiscordGatewayOptions {
  token: string;
  applicationId: string;
  bot: DiscordUserSpec;
  /** Live list: guilds added later (e.g. roles added by the facade) show in later GUILD_CREATEs. */
  guilds: DiscordGuildSpec[];
  heartbeatIntervalMs?: number;
}

interface Session {
  id: number;
  ws: WebSocket;
  seq: number;
  sessionId: string | undefined;
  ready: boolean;
}

export class DiscordGatewayStandIn {
  readonly connections: CallLog<GatewayConnection>;
  /** Everything the client sent (identify, heartbeats, presence updates, …). */
  readonly received: CallLog<GatewayFrame>;
  /** Everything this server sent. */
  readonly sent: CallLog<GatewaySent>;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<number, Session>();
  private readonly knownSessionIds = new Set<string>();
  private connectionCount = 0;

  constructor(
    private readonly loopback: LoopbackServer,
    private readonly options: DiscordGatewayOptions,
  ) {
    this.connections = new CallLog('discord-gateway connections', (c) => `#${c.id}?${new URLSearchParams(c.query).toString()}`);
    this.received = new CallLog('discord-gateway received', (f) => `op${f.op}`);
    this.sent = new CallLog('discord-gateway sent', (f) => (f.t ? `${f.t}` : `op${f.op}`));
    loopback.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req.url ?? '/'));
    });
  }

  /** ws:// URL for GET /gateway/bot (no trailing slash, like Discord's). */
  get url(): string {
    return this.loopback.baseUrl.replace(/^http/, 'ws');
  }

  /** Sessions that got READY and are still open. */
  get readySessions(): number {
    return [...this.sessions.values()].filter((s) => s.ready).length;
  }

  /** The next IDENTIFY (past or future) not yet returned. */
  waitForIdentify(options?: WaitOptions): Promise<GatewayFrame> {
    return this.received.next((f) => f.op === GatewayOpcodes.Identify, 'IDENTIFY', options);
  }

  /** The next heartbeat (op 1) from the client not yet returned. */
  waitForHeartbeat(options?: WaitOptions): Promise<GatewayFrame> {
    return this.received.next((f) => f.op === GatewayOpcodes.Heartbeat, 'HEARTBEAT', options);
  }

  /**
   * Sends a dispatch (op 0) to every ready session with the next sequence number. Throws when no
   * session is ready, so a test cannot dispatch into the void.
   */
  dispatch(t: string, d: unknown): void {
    const ready = [...this.sessions.values()].filter((s) => s.ready);
    if (ready.length === 0) throw new Error(`discord-gateway: no ready session to send ${t} to (is the client logged in?)`);
    for (const session of ready) this.sendDispatch(session, t, d);
  }

  /** Closes every client connection with a gateway close code (e.g. 4000 to make it resume). */
  closeConnections(code: number, reason = ''): void {
    for (const session of this.sessions.values()) session.ws.close(code, reason);
  }

  async close(): Promise<void> {
    for (const log of [this.connections, this.received, this.sent]) log.closeWaiters('stand-in closed');
    for (const session of this.sessions.values()) session.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.loopback.close();
  }

  private onConnection(ws: WebSocket, rawUrl: string): void {
    const id = ++this.connectionCount;
    const query = Object.fromEntries(new URL(rawUrl, 'ws://127.0.0.1').searchParams);
    const session: Session = { id, ws, seq: 0, sessionId: undefined, ready: false };
    this.sessions.set(id, session);
    ws.on('close', () => this.sessions.delete(id));
    ws.on('error', () => this.sessions.delete(id));
    this.connections.push({ id, query, openedAt: Date.now() });
    if (query.encoding !== 'json' || query.compress !== undefined || query.v !== '10') {
      ws.close(GatewayCloseCodes.DecodeError, 'loopback gateway speaks v=10, encoding=json, no compress');
      return;
    }
    ws.on('message', (data, isBinary) => this.onMessage(session, isBinary ? undefined : data.toString()));
    this.send(session, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_MS }, s: null, t: null });
  }

  private onMessage(session: Session, text: string | undefined): void {
    const frame = text === undefined ? undefined : parseFrame(text);
    if (!frame) {
      session.ws.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    this.received.push({ connectionId: session.id, op: frame.op, d: frame.d, receivedAt: Date.now() });
    switch (frame.op) {
      case GatewayOpcodes.Heartbeat:
        this.send(session, { op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        break;
      case GatewayOpcodes.Identify:
        this.identify(session, frame.d);
        break;
      case GatewayOpcodes.Resume:
        this.resume(session, frame.d);
        break;
      default:
        // Presence updates, member requests, …: recorded, nothing to answer.
        break;
    }
  }

  private identify(session: Session, d: unknown): void {
    const token = isObject(d) ? d.token : undefined;
    if (token !== this.options.token) {
      session.ws.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    if (session.ready) {
      session.ws.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    session.sessionId = snowflake();
    this.knownSessionIds.add(session.sessionId);
    session.ready = true;
    this.sendDispatch(
      session,
      GatewayDispatchEvents.Ready,
      readyPayload({
        bot: this.options.bot,
        applicationId: this.options.applicationId,
        guildIds: this.options.guilds.map((g) => g.id),
        sessionId: session.sessionId,
        resumeUrl: this.url,
      }),
    );
    for (const guild of this.options.guilds) {
      this.sendDispatch(session, GatewayDispatchEvents.GuildCreate, guildCreatePayload(guild, this.options.bot));
    }
  }

  private resume(session: Session, d: unknown): void {
    const sessionId = isObject(d) ? d.session_id : undefined;
    if (isObject(d) && d.token === this.options.token && typeof sessionId === 'string' && this.knownSessionIds.has(sessionId)) {
      session.sessionId = sessionId;
      session.seq = typeof d.seq === 'number' ? d.seq : 0;
      session.ready = true;
      this.sendDispatch(session, GatewayDispatchEvents.Resumed, {});
    } else {
      // Not resumable: the client identifies afresh.
      this.send(session, { op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
    }
  }

  private sendDispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    this.send(session, { op: GatewayOpcodes.Dispatch, t, s: session.seq, d });
  }

  private send(session: Session, payload: { op: number; d: unknown; s: number | null; t: string | null }): void {
    session.ws.send(JSON.stringify(payload));
    this.sent.push({ connectionId: session.id, ...payload });
  }
}

function parseFrame(text: string): { op: number; d: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value) && typeof value.op === 'number') return { op: value.op, d: value.d };
  } catch {
    // fall through
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function startDiscordGateway(options: DiscordGatewayOptions): Promise<DiscordGatewayStandIn> {
  const server = await listenOnLoopback((_req, res) => sendJson(res, 426, { message: 'websocket only' }));
  return new DiscordGatewayStandIn(server, options);
}
