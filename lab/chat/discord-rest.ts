/**
 * Discord REST stand-in: a recording HTTP server on 127.0.0.1 answering the v10 routes a bot
 * uses. Usually started through startDiscord() (discord.ts), which also runs the gateway.
 *
 * URL override: @discordjs/rest builds `${options.api}/v${options.version}${route}`, so discord.js
 * is pointed here with `new Client({ intents, rest: { api: rest.apiUrl } })` where apiUrl is
 * "http://127.0.0.1:PORT/api" (no trailing slash, no version). In Node it sends with undici's
 * `request()` (not global fetch); interaction callbacks and webhook routes go without the
 * Authorization header (`auth: false`), the rest with `Authorization: Bot <token>`.
 *
 * Routes (name → what it is; anything else is recorded as 'unknown' and answered 404 code 0):
 *   getGatewayBot              GET    /gateway/bot
 *   getCurrentUser             GET    /users/@me
 *   createInteractionResponse  POST   /interactions/:interactionId/:token/callback   (JSON or multipart)
 *   getWebhookMessage          GET    /webhooks/:applicationId/:token/messages/:messageId  (@original too)
 *   editWebhookMessage         PATCH  /webhooks/:applicationId/:token/messages/:messageId  (JSON or multipart)
 *   deleteWebhookMessage       DELETE /webhooks/:applicationId/:token/messages/:messageId
 *   createFollowupMessage      POST   /webhooks/:applicationId/:token
 *   putGlobalCommands / getGlobalCommands   PUT|GET /applications/:applicationId/commands
 *   putGuildCommands / getGuildCommands     PUT|GET /applications/:applicationId/guilds/:guildId/commands
 *   createChannelMessage       POST   /channels/:channelId/messages  (JSON or multipart)
 *   downloadAttachment         GET    /attachments/:id/:filename  (outside /api: attachment URLs)
 * Multipart bodies are recorded with `body` = parsed `payload_json` and `files` = the `files[n]` parts.
 *
 * Failure injection (first matching rule wins, `times` default 1):
 *   rest.rateLimit('createChannelMessage', 1)                       // 429 + Retry-After: 1
 *   rest.failWith('createChannelMessage', 404, 10003, 'Unknown Channel', { times: Infinity })
 */
import type http from 'node:http';
import { CallLog, type WaitOptions } from './call-log';
import { DiscordMessageStore, error, type RestAnswer } from './discord-messages';
import type { DiscordUserSpec } from './discord-payloads';
import { apiUser } from './discord-payloads';
import { listenOnLoopback, readRequest, sendEmpty, sendJson, type LoopbackServer, type ParsedRequest, type UploadedFile } from './loopback-http';

export type DiscordRoute =
  | 'getGatewayBot'
  | 'getCurrentUser'
  | 'createInteractionResponse'
  | 'getWebhookMessage'
  | 'editWebhookMessage'
  | 'deleteWebhookMessage'
  | 'createFollowupMessage'
  | 'putGlobalCommands'
  | 'getGlobalCommands'
  | 'putGuildCommands'
  | 'getGuildCommands'
  | 'createChannelMessage'
  | 'downloadAttachment'
  | 'unknown';

export interface DiscordRestCall {
  /** Arrival order, from 1. */
  seq: number;
  route: DiscordRoute;
  verb: string;
  /** Full path, e.g. "/api/v10/interactions/123/tok/callback". */
  path: string;
  /** Named path parameters (interactionId, token, applicationId, messageId, guildId, channelId, …). */
  params: Record<string, string>;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** The Authorization header, if any ("Bot <token>"). */
  authorization: string | undefined;
  /** JSON body, or the parsed `payload_json` part of a multipart body. */
  body: unknown;
  /** File parts of a multipart body (`files[0]`, …) with their bytes. */
  files: UploadedFile[];
  receivedAt: number;
  /** What the stand-in answered. */
  status: number;
  response: unknown;
}

export interface RestRuleOptions {
  times?: number;
  when?: (call: DiscordRestCall) => boolean;
}

interface RouteSpec {
  verb: string;
  route: DiscordRoute;
  pattern: RegExp;
  names: string[];
  /** Needs `Authorization: Bot <token>`. */
  auth: boolean;
}

const API_PREFIX = '/api/v10';

const ROUTES: RouteSpec[] = [
  spec('GET', 'getGatewayBot', '/gateway/bot', true),
  spec('GET', 'getCurrentUser', '/users/@me', true),
  spec('POST', 'createInteractionResponse', '/interactions/:interactionId/:token/callback', false),
  spec('GET', 'getWebhookMessage', '/webhooks/:applicationId/:token/messages/:messageId', false),
  spec('PATCH', 'editWebhookMessage', '/webhooks/:applicationId/:token/messages/:messageId', false),
  spec('DELETE', 'deleteWebhookMessage', '/webhooks/:applicationId/:token/messages/:messageId', false),
  spec('POST', 'createFollowupMessage', '/webhooks/:applicationId/:token', false),
  spec('PUT', 'putGlobalCommands', '/applications/:applicationId/commands', true),
  spec('GET', 'getGlobalCommands', '/applications/:applicationId/commands', true),
  spec('PUT', 'putGuildCommands', '/applications/:applicationId/guilds/:guildId/commands', true),
  spec('GET', 'getGuildCommands', '/applications/:applicationId/guilds/:guildId/commands', true),
  spec('POST', 'createChannelMessage', '/channels/:channelId/messages', true),
];

function spec(verb: string, route: DiscordRoute, template: string, auth: boolean): RouteSpec {
  const names: string[] = [];
  const source = template
    .split('/')
    .map((part) => {
      if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(part.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { verb, route, pattern: new RegExp(`^${API_PREFIX}${source}$`), names, auth };
}

type Rule = { route: DiscordRoute; left: number; when: (call: DiscordRestCall) => boolean; answer: RestAnswer; headers: Record<string, string> };

export interface DiscordRestOptions {
  token: string;
  applicationId: string;
  bot: DiscordUserSpec;
  /** Where GET /gateway/bot points the client (ws://…); settable later with setGatewayUrl(). */
  gatewayUrl?: string;
}

export class DiscordRestStandIn {
  readonly calls: CallLog<DiscordRestCall>;
  readonly store: DiscordMessageStore;
  private readonly rules: Rule[] = [];
  private gatewayUrl: string | undefined;
  private seq = 0;

  constructor(
    private readonly loopback: LoopbackServer,
    private readonly options: DiscordRestOptions,
  ) {
    this.calls = new CallLog('discord-rest', (c) => `${c.route}${c.status >= 400 ? `(${c.status})` : ''}`);
    this.gatewayUrl = options.gatewayUrl;
    this.store = new DiscordMessageStore(options.bot, options.applicationId, (id, filename) =>
      `${loopback.baseUrl}/attachments/${id}/${encodeURIComponent(filename)}`,
    );
  }

  /** REST base for `new Client({ rest: { api } })` / DISCORD_API_URL: "http://127.0.0.1:PORT/api". */
  get apiUrl(): string {
    return `${this.loopback.baseUrl}/api`;
  }

  get baseUrl(): string {
    return this.loopback.baseUrl;
  }

  setGatewayUrl(url: string): void {
    this.gatewayUrl = url;
  }

  /** The first call on `route` not yet returned by nextCall (past or future). */
  nextCall(route: DiscordRoute, options: WaitOptions & { where?: (call: DiscordRestCall) => boolean } = {}): Promise<DiscordRestCall> {
    const where = options.where ?? (() => true);
    return this.calls.next((c) => c.route === route && where(c), route, options);
  }

  callsTo(route: DiscordRoute): DiscordRestCall[] {
    return this.calls.all((c) => c.route === route);
  }

  /** 429 with Retry-After (seconds) and Discord's rate-limit headers; default once. */
  rateLimit(route: DiscordRoute, retryAfterSec: number, options: RestRuleOptions = {}): void {
    this.addRule(
      route,
      { status: 429, body: { message: 'You are being rate limited.', retry_after: retryAfterSec, global: false } },
      {
        'retry-after': String(retryAfterSec),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': String(retryAfterSec),
        'x-ratelimit-bucket': 'loopback-bucket',
        'x-ratelimit-scope': 'user',
      },
      options,
    );
  }

  /** Any Discord error: status plus JSON error code and message (e.g. 404, 10003, "Unknown Channel"). */
  failWith(route: DiscordRoute, status: number, code: number, message: string, options: RestRuleOptions = {}): void {
    this.addRule(route, error(status, code, message), {}, options);
  }

  clearFailures(): void {
    this.rules.length = 0;
  }

  async close(): Promise<void> {
    this.calls.closeWaiters('stand-in closed');
    await this.loopback.close();
  }

  /** @internal request entry point */
  async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const parsed = await readRequest(req);
    if (parsed.verb === 'GET' && parsed.path.startsWith('/attachments/')) {
      this.serveAttachment(parsed, res);
      return;
    }
    const { call, spec: matched, invalidJson } = this.toCall(parsed);
    const rule = this.rules.find((r) => r.route === call.route && r.left > 0 && r.when(call));
    let answer: RestAnswer;
    let headers: Record<string, string> = {};
    if (rule) {
      rule.left -= 1;
      answer = rule.answer;
      headers = rule.headers;
    } else if (invalidJson) {
      answer = error(400, 50109, 'The request body contains invalid JSON.');
    } else {
      answer = this.answer(call, matched);
    }
    call.status = answer.status;
    call.response = answer.body;
    this.calls.push(call);
    if (answer.body === undefined) sendEmpty(res, answer.status, headers);
    else sendJson(res, answer.status, answer.body, headers);
  }

  private toCall(parsed: ParsedRequest): { call: DiscordRestCall; spec: RouteSpec | undefined; invalidJson: boolean } {
    let matched: RouteSpec | undefined;
    let params: Record<string, string> = {};
    for (const candidate of ROUTES) {
      if (candidate.verb !== parsed.verb) continue;
      const m = candidate.pattern.exec(parsed.path);
      if (!m) continue;
      matched = candidate;
      params = Object.fromEntries(candidate.names.map((name, i) => [name, decodeURIComponent(m[i + 1] ?? '')]));
      break;
    }
    let body: unknown = parsed.json;
    let invalidJson = parsed.jsonError !== undefined;
    const payloadJson = parsed.fields.payload_json;
    if (payloadJson !== undefined) {
      try {
        body = JSON.parse(payloadJson);
      } catch {
        invalidJson = true;
      }
    }
    const call: DiscordRestCall = {
      seq: ++this.seq,
      route: matched?.route ?? 'unknown',
      verb: parsed.verb,
      path: parsed.path,
      params,
      query: parsed.query,
      headers: parsed.headers,
      authorization: typeof parsed.headers.authorization === 'string' ? parsed.headers.authorization : undefined,
      body,
      files: parsed.files,
      receivedAt: Date.now(),
      status: 0,
      response: undefined,
    };
    return { call, spec: matched, invalidJson };
  }

  private answer(call: DiscordRestCall, matched: RouteSpec | undefined): RestAnswer {
    if (!matched) return error(404, 0, '404: Not Found');
    if (matched.auth && call.authorization !== `Bot ${this.options.token}`) return error(401, 0, '401: Unauthorized');
    const p = call.params;
    const str = (name: string): string => p[name] ?? '';
    switch (call.route) {
      case 'getGatewayBot':
        if (!this.gatewayUrl) return error(500, 0, 'gateway not started');
        return {
          status: 200,
          body: {
            url: this.gatewayUrl,
            shards: 1,
            session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
          },
        };
      case 'getCurrentUser':
        return { status: 200, body: { ...apiUser({ ...this.options.bot, bot: true }), verified: true, mfa_enabled: false } };
      case 'createInteractionResponse':
        return this.store.interactionCallback(str('interactionId'), str('token'), call.body, call.files, call.query.with_response === 'true');
      case 'getWebhookMessage':
        return this.store.getWebhookMessage(str('applicationId'), str('token'), str('messageId'));
      case 'editWebhookMessage':
        return this.store.editWebhookMessage(str('applicationId'), str('token'), str('messageId'), call.body, call.files);
      case 'deleteWebhookMessage':
        return this.store.deleteWebhookMessage(str('applicationId'), str('token'), str('messageId'));
      case 'createFollowupMessage':
        return this.store.createFollowup(str('applicationId'), str('token'), call.body, call.files);
      case 'putGlobalCommands':
        return this.store.putCommands(str('applicationId'), undefined, call.body);
      case 'getGlobalCommands':
        return this.store.getCommands(str('applicationId'), undefined);
      case 'putGuildCommands':
        return this.store.putCommands(str('applicationId'), str('guildId'), call.body);
      case 'getGuildCommands':
        return this.store.getCommands(str('applicationId'), str('guildId'));
      case 'createChannelMessage':
        return this.store.createChannelMessage(str('channelId'), call.body, call.files);
      default:
        return error(404, 0, '404: Not Found');
    }
  }

  private serveAttachment(parsed: ParsedRequest, res: http.ServerResponse): void {
    const id = parsed.path.split('/')[2] ?? '';
    const stored = this.store.attachments.get(id);
    const call: DiscordRestCall = {
      seq: ++this.seq,
      route: 'downloadAttachment',
      verb: parsed.verb,
      path: parsed.path,
      params: { id },
      query: parsed.query,
      headers: parsed.headers,
      authorization: undefined,
      body: undefined,
      files: [],
      receivedAt: Date.now(),
      status: stored ? 200 : 404,
      response: undefined,
    };
    this.calls.push(call);
    if (!stored) {
      sendJson(res, 404, { code: 0, message: '404: Not Found' });
      return;
    }
    res.writeHead(200, { 'content-type': stored.contentType, 'content-length': stored.bytes.length });
    res.end(stored.bytes);
  }

  private addRule(route: DiscordRoute, answer: RestAnswer, headers: Record<string, string>, { times = 1, when = () => true }: RestRuleOptions): void {
    this.rules.push({ route, left: times, when, answer, headers });
  }
}

export async function startDiscordRest(options: DiscordRestOptions): Promise<DiscordRestStandIn> {
  let standIn: DiscordRestStandIn | undefined;
  const server = await listenOnLoopback((req, res) => {
    if (!standIn) throw new Error('discord rest stand-in not ready');
    return standIn.onRequest(req, res);
  });
  standIn = new DiscordRestStandIn(server, options);
  return standIn;
}
