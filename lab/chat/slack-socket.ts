/**
 * Slack Socket Mode stand-in: a WebSocket server on 127.0.0.1 that speaks the Socket Mode
 * protocol to the real @slack/socket-mode client inside Bolt.
 *
 *   const socket = await startSlackSocketMode();
 *   const slack = await startSlackApi({ socketModeUrl: socket.url });   // apps.connections.open → here
 *   const app = new App({ token, appToken: 'xapp-…', socketMode: true,
 *                         clientOptions: { slackApiUrl: slack.apiUrl } });
 *   await app.start();                                                  // resolves after our `hello`
 *   const sent = socket.pushSlashCommand({ text: 'help', response_url: slack.responseUrl() });
 *   const ack = await sent.ack();                                       // the bot's ack, bounded wait
 *   socket.pushEvent(fileShareEvent({ … }));                             // Events API (slack-events.ts)
 *   await app.stop(); await socket.close(); await slack.close();        // stop the bot first
 *
 * Protocol as the client expects it: on connect the server sends `{type:'hello', …}` (the client's
 * start() resolves on it); events arrive as `{envelope_id, type, payload, accepts_response_payload}`;
 * the client acks with `{envelope_id, payload}` on the same socket. `{type:'disconnect'}` asks the
 * client to reconnect (it calls apps.connections.open again). The client sends WebSocket pings every
 * ~1.7 s and expects pongs, which `ws` answers by itself.
 *
 * Stop the Bolt app before closing this server: a client whose server vanishes keeps reconnecting.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { CallLog, type WaitOptions } from './call-log';
import { listenOnLoopback, sendJson, type LoopbackServer } from './loopback-http';
import { eventCallback, type EventCallbackOptions } from './slack-events';
import { slashCommand, type SlashCommandFields } from './slack-slash-command';

export interface SocketConnection {
  /** From 1, in connection order. */
  id: number;
  /** Path and query the client connected with (includes the `ticket` from apps.connections.open). */
  path: string;
  openedAt: number;
}

export interface SocketAck {
  connectionId: number;
  envelopeId: string;
  /** What the bot put in its ack (`{}` for a bare `ack()`). */
  payload: unknown;
  receivedAt: number;
}

export interface SocketEnvelope {
  envelope_id: string;
  type: string;
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface PushedEnvelope {
  envelopeId: string;
  /** Waits (bounded) for the bot's ack of this envelope. */
  ack(options?: WaitOptions): Promise<SocketAck>;
}

export interface SlackSocketOptions {
  /** Send `hello` when a client connects (default true). Off: test a client that never gets ready. */
  sendHello?: boolean;
  appId?: string;
}

export class SlackSocketStandIn {
  /** Every connection that was opened (hello already sent when sendHello is on). */
  readonly connections: CallLog<SocketConnection>;
  /** Every ack the bot sent. */
  readonly acks: CallLog<SocketAck>;
  /** Messages from the bot that were not valid acks (should stay empty). */
  readonly strayMessages: CallLog<{ connectionId: number; text: string }>;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly open = new Map<number, WebSocket>();
  private connectionCount = 0;
  private envelopeCount = 0;

  constructor(
    private readonly loopback: LoopbackServer,
    private readonly options: SlackSocketOptions,
  ) {
    this.connections = new CallLog('slack-socket connections', (c) => `#${c.id} ${c.path}`);
    this.acks = new CallLog('slack-socket acks', (a) => `ack ${a.envelopeId}`);
    this.strayMessages = new CallLog('slack-socket stray messages', (m) => m.text.slice(0, 60));
    loopback.server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req.url ?? '/'));
    });
  }

  /** ws:// URL for apps.connections.open (see SlackApiStandIn.setSocketModeUrl). */
  get url(): string {
    return `${this.loopback.baseUrl.replace(/^http/, 'ws')}/link/`;
  }

  /** Number of currently open client connections. */
  get openConnections(): number {
    return this.open.size;
  }

  /** The next connection (past or future) not yet returned. */
  waitForConnection(options?: WaitOptions): Promise<SocketConnection> {
    return this.connections.next(() => true, 'a connection', options);
  }

  /** Pushes a `slash_commands` envelope built from slashCommand(overrides). */
  pushSlashCommand(overrides: Partial<SlashCommandFields> = {}): PushedEnvelope & { fields: SlashCommandFields } {
    const fields = slashCommand(overrides);
    return { ...this.pushEnvelope('slash_commands', fields), fields };
  }

  /** Pushes an Events API event (e.g. fileShareEvent()) in its event_callback envelope, as `events_api`. */
  pushEvent(event: Record<string, unknown>, envelope: EventCallbackOptions = {}): PushedEnvelope {
    return this.pushEnvelope('events_api', eventCallback(event, envelope), { accepts_response_payload: false });
  }

  /** Pushes any envelope type (events_api, interactive, …) to the newest open connection. */
  pushEnvelope(type: string, payload: unknown, extra: Partial<SocketEnvelope> = {}): PushedEnvelope {
    const ws = this.newestOpen();
    const envelopeId = `env-${++this.envelopeCount}-${Date.now()}`;
    const envelope: SocketEnvelope = { envelope_id: envelopeId, type, payload, accepts_response_payload: true, ...extra };
    ws.send(JSON.stringify(envelope));
    return {
      envelopeId,
      ack: (options?: WaitOptions) => this.acks.next((a) => a.envelopeId === envelopeId, `ack of ${envelopeId}`, options),
    };
  }

  /** Sends Slack's `disconnect` message (the client reconnects through apps.connections.open). */
  sendDisconnect(reason = 'refresh_requested'): void {
    for (const ws of this.open.values()) ws.send(JSON.stringify({ type: 'disconnect', reason }));
  }

  async close(): Promise<void> {
    for (const log of [this.connections, this.acks, this.strayMessages]) log.closeWaiters('stand-in closed');
    for (const ws of this.open.values()) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await this.loopback.close();
  }

  private onConnection(ws: WebSocket, path: string): void {
    const id = ++this.connectionCount;
    this.open.set(id, ws);
    ws.on('close', () => this.open.delete(id));
    ws.on('error', () => this.open.delete(id));
    ws.on('message', (data, isBinary) => this.onMessage(id, isBinary ? '' : data.toString()));
    if (this.options.sendHello ?? true) {
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.open.size,
          debug_info: { host: 'applink-loopback', build_number: 1, approximate_connection_time: 3600 },
          connection_info: { app_id: this.options.appId ?? 'A0APP' },
        }),
      );
    }
    this.connections.push({ id, path, openedAt: Date.now() });
  }

  private onMessage(connectionId: number, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = undefined;
    }
    if (isAck(message)) {
      this.acks.push({ connectionId, envelopeId: message.envelope_id, payload: message.payload ?? {}, receivedAt: Date.now() });
    } else {
      this.strayMessages.push({ connectionId, text });
    }
  }

  private newestOpen(): WebSocket {
    const ids = [...this.open.keys()];
    const newest = ids.length > 0 ? this.open.get(Math.max(...ids)) : undefined;
    if (!newest) throw new Error('slack-socket: no client connected (did app.start() finish?)');
    return newest;
  }
}

function isAck(message: unknown): message is { envelope_id: string; payload?: unknown } {
  return typeof message === 'object' && message !== null && typeof (message as { envelope_id?: unknown }).envelope_id === 'string';
}

/** Starts the Socket Mode stand-in on 127.0.0.1 with a free port. */
export async function startSlackSocketMode(options: SlackSocketOptions = {}): Promise<SlackSocketStandIn> {
  // Plain HTTP requests get 426; only upgrades are served.
  const server = await listenOnLoopback((_req, res) => sendJson(res, 426, { error: 'websocket only' }));
  return new SlackSocketStandIn(server, options);
}
