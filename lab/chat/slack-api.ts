/**
 * Slack Web API stand-in: a recording HTTP server on 127.0.0.1 that answers like Slack for the
 * methods a bot uses, so the real Bolt / @slack/web-api code runs unmodified against it.
 *
 *   const slack = await startSlackApi({ tokens: ['xoxb-test', 'xapp-test'] });
 *   const app = new App({ token: 'xoxb-test', signingSecret, clientOptions: { slackApiUrl: slack.apiUrl } });
 *   ...
 *   const post = await slack.nextCall('chat.postMessage');          // waits (bounded) if not there yet
 *   expect(post.args.channel).toBe('C1');  expect(post.args.blocks).toHaveLength(3);
 *   const reply = await slack.nextCall(RESPONSE_URL);               // what respond() posted
 *   const [file] = slack.uploads();                                  // files.uploadV2, bytes included
 *   await slack.close();
 *
 * URL override: @slack/web-api builds `${slackApiUrl}${method}` and appends a "/" to slackApiUrl
 * when it is missing, so `apiUrl` ("http://127.0.0.1:PORT/api/") works with or without the slash.
 * Bolt copies App `clientOptions` into `installerOptions.clientOptions`, which the Socket Mode
 * client uses for `apps.connections.open`, so one `slackApiUrl` covers both.
 *
 * What the stand-in answers (everything else: `{ok:false, error:'unknown_method'}`, recorded):
 *   auth.test, chat.postMessage, chat.update, chat.postEphemeral, chat.delete, conversations.info,
 *   conversations.join, files.getUploadURLExternal (+ the upload URL it hands out),
 *   files.completeUploadExternal, files.info (files from `hostFile()`),
 *   apps.connections.open (a ws:// URL to the Socket Mode stand-in; needs an xapp- token),
 *   and response_url endpoints from `responseUrl()` (recorded as method RESPONSE_URL).
 *
 * Files users share (for bots that download them; see slack-events.ts for the message event):
 *   const file = slack.hostFile({ name: 'signins.json', content: '…' });   // a Slack file object
 *   file.url_private_download   // GET with `Authorization: Bearer <bot token>`, recorded as FILE_DOWNLOAD
 *   slack.hostFile({ name: 'huge.json', content: 'x', declaredSize: 2 * 1024 ** 3 })  // says 2 GB, holds 1 byte
 *   slack.hostFile({ name: 'liar.json', content: Buffer.alloc(5e6), declaredSize: 1000, chunked: true })
 *   A download without a valid token gets Slack's sign-in page (HTML, 200), as Slack does.
 * Tokens: Bearer header or `token` field; none → not_authed; not in `tokens` (when given) → invalid_auth.
 * Limits: blocks in chat.postMessage / chat.update / chat.postEphemeral / response_url are checked
 * against Slack's Block Kit limits (slack-limits.ts) and rejected with `invalid_blocks` like Slack.
 * State: posted messages (updates must name an existing ts → else message_not_found), channels
 * (`removeChannel()` makes a channel answer channel_not_found), uploads.
 *
 * Failure injection (first matching rule wins, `times` counts down, default once):
 *   slack.failWith('chat.postMessage', 'channel_not_found', { times: Infinity })
 *   slack.rateLimit('chat.postMessage', 1)          // one 429 with Retry-After: 1
 *   slack.httpStatus(RESPONSE_URL, 404)             // e.g. an expired response_url
 *   slack.handle('users.info', (call) => ({ ok: true, user: { id: String(call.args.user) } }))
 */
import type http from 'node:http';
import { CallLog, type WaitOptions } from './call-log';
import { blockKitProblems } from './slack-limits';
import { listenOnLoopback, readRequest, sendJson, type LoopbackServer, type ParsedRequest, type UploadedFile } from './loopback-http';

/** Pseudo-method under which posts to a `responseUrl()` are recorded. */
export const RESPONSE_URL = 'response_url';
/** Pseudo-method under which the byte upload to an `upload_url` is recorded. */
export const FILE_UPLOAD = 'file_upload';
/** Pseudo-method under which a GET of a hosted file's `url_private(_download)` is recorded (pathId: file id). */
export const FILE_DOWNLOAD = 'file_download';

export interface SlackApiCall {
  /** Arrival order, from 1. */
  seq: number;
  /** Web API method ("chat.postMessage"), or RESPONSE_URL / FILE_UPLOAD. */
  method: string;
  /** Token from `Authorization: Bearer …` or the `token` field. */
  token: string | undefined;
  /**
   * Arguments: form fields, or the JSON body. Fields Slack takes as JSON (blocks, attachments,
   * files, metadata) are decoded, since @slack/web-api sends them JSON-encoded inside the form.
   */
  args: Record<string, unknown>;
  /** File parts of a multipart body (the upload step). */
  files: UploadedFile[];
  /** For RESPONSE_URL: the id in the URL; for FILE_UPLOAD: the file id. */
  pathId: string | undefined;
  headers: http.IncomingHttpHeaders;
  contentType: string;
  /** Raw body bytes. */
  raw: Buffer;
  /** Date.now() at arrival. */
  receivedAt: number;
  /** What the stand-in answered. */
  status: number;
  response: unknown;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: unknown;
  blocks: unknown;
  /** Every version, first post first (chat.update appends). */
  versions: Array<Record<string, unknown>>;
}

export interface SlackUpload {
  fileId: string;
  filename: string;
  /** `length` declared to files.getUploadURLExternal. */
  declaredLength: number;
  /** Bytes received at the upload URL (undefined until uploaded). */
  bytes: Buffer | undefined;
  /** Set by files.completeUploadExternal. */
  completed: boolean;
  title: string | undefined;
  channelId: string | undefined;
  initialComment: string | undefined;
  threadTs: string | undefined;
}

/** A file "a user shared", served by the stand-in (see hostFile()). */
export interface HostFileOptions {
  name: string;
  content: string | Buffer;
  /** The `size` Slack reports (default: the byte count). A bigger one fakes a huge file; a smaller one a lying one. */
  declaredSize?: number;
  /** Serve without Content-Length (chunked), so only the bytes themselves tell the size. */
  chunked?: boolean;
  mimetype?: string;
  /** Who shared it; default U0USER. */
  user?: string;
}

/** The subset of Slack's file object a bot reads (what files.info and message events carry). */
export interface SlackFileObject {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  filetype: string;
  size: number;
  user: string;
  mode: 'hosted';
  is_external: false;
  url_private: string;
  url_private_download: string;
  created: number;
  timestamp: number;
}

interface HostedFile {
  object: SlackFileObject;
  bytes: Buffer;
  chunked: boolean;
}

export interface SlackChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  isIm?: boolean;
}

export interface SlackApiOptions {
  team?: { id: string; name: string; domain: string };
  bot?: { userId: string; botId: string; appId: string; name: string };
  /** Accepted tokens; when unset any non-empty token is accepted. */
  tokens?: string[];
  /** URL apps.connections.open returns (a `?ticket=N` is appended per call). */
  socketModeUrl?: string;
  /** Channels conversations.info knows by name; other ids are treated as public channels named after the id. */
  channels?: SlackChannel[];
}

export interface RuleOptions {
  /** How many calls the rule applies to; default 1. Infinity for "until clearFailures()". */
  times?: number;
  /** Only calls for which this returns true. */
  when?: (call: SlackApiCall) => boolean;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
type Rule = { method: string; left: number; when: (call: SlackApiCall) => boolean; answer: Answer };
type Handler = (call: SlackApiCall) => Record<string, unknown>;

/** Fields Slack takes as JSON strings in form-encoded calls. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'files', 'metadata']);

export class SlackApiStandIn {
  readonly calls: CallLog<SlackApiCall>;
  private readonly rules: Rule[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly messagesByKey = new Map<string, SlackMessage>();
  private readonly uploadsById = new Map<string, SlackUpload>();
  private readonly hostedFiles = new Map<string, HostedFile>();
  private readonly goneChannels = new Set<string>();
  private readonly channelsById: Map<string, SlackChannel>;
  private socketUrl: string | undefined;
  private seq = 0;
  private idCounter = 0;
  private tickets = 0;
  private readonly team: { id: string; name: string; domain: string };
  private readonly bot: { userId: string; botId: string; appId: string; name: string };

  constructor(
    private readonly loopback: LoopbackServer,
    private readonly options: SlackApiOptions,
  ) {
    this.calls = new CallLog<SlackApiCall>('slack-api', (c) => `${c.method}${c.status === 200 ? '' : `(${c.status})`}`);
    this.team = options.team ?? { id: 'T0TEST', name: 'Test Team', domain: 'test-team' };
    this.bot = options.bot ?? { userId: 'U0BOT', botId: 'B0BOT', appId: 'A0APP', name: 'router-audit' };
    this.channelsById = new Map((options.channels ?? []).map((c) => [c.id, c]));
    this.socketUrl = options.socketModeUrl;
  }

  /** "http://127.0.0.1:PORT" */
  get baseUrl(): string {
    return this.loopback.baseUrl;
  }

  /** Web API base for `clientOptions.slackApiUrl` / SLACK_API_URL: "http://127.0.0.1:PORT/api/". */
  get apiUrl(): string {
    return `${this.loopback.baseUrl}/api/`;
  }

  /** A fresh response_url on this server; posts to it are recorded as RESPONSE_URL calls. */
  responseUrl(id = `R${++this.idCounter}`): string {
    return `${this.loopback.baseUrl}/response/${encodeURIComponent(id)}`;
  }

  /** Where apps.connections.open sends the Socket Mode client. */
  setSocketModeUrl(url: string): void {
    this.socketUrl = url;
  }

  /** The first call to `method` not yet returned by nextCall (past or future). */
  nextCall(method: string, options: WaitOptions & { where?: (call: SlackApiCall) => boolean } = {}): Promise<SlackApiCall> {
    const where = options.where ?? (() => true);
    return this.calls.next((c) => c.method === method && where(c), method, options);
  }

  /** All calls to `method` so far. */
  callsTo(method: string): SlackApiCall[] {
    return this.calls.all((c) => c.method === method);
  }

  /** Messages posted with chat.postMessage (and their chat.update versions), oldest first; deleted ones are gone. */
  messages(channel?: string): SlackMessage[] {
    return [...this.messagesByKey.values()].filter((m) => channel === undefined || m.channel === channel);
  }

  /** Replies in the thread under `threadTs` (messages posted with that thread_ts), oldest first. */
  threadMessages(channel: string, threadTs: string): SlackMessage[] {
    return this.messages(channel).filter((m) => m.threadTs === threadTs);
  }

  /**
   * Stores a file as if a user had shared it; returns Slack's file object (what files.info and a
   * message event carry). Its url_private_download is served by this stand-in, to Bearer tokens only.
   */
  hostFile(options: HostFileOptions): SlackFileObject {
    const bytes = typeof options.content === 'string' ? Buffer.from(options.content, 'utf8') : options.content;
    const id = `F${String(++this.idCounter).padStart(8, '0')}`;
    const safeName = encodeURIComponent(options.name);
    const base = `${this.loopback.baseUrl}/files-pri/${this.team.id}-${id}`;
    const now = Math.floor(Date.now() / 1000);
    const object: SlackFileObject = {
      id,
      name: options.name,
      title: options.name,
      mimetype: options.mimetype ?? 'text/plain',
      filetype: options.name.split('.').pop() ?? 'text',
      size: options.declaredSize ?? bytes.length,
      user: options.user ?? 'U0USER',
      mode: 'hosted',
      is_external: false,
      url_private: `${base}/${safeName}`,
      url_private_download: `${base}/download/${safeName}`,
      created: now,
      timestamp: now,
    };
    this.hostedFiles.set(id, { object, bytes, chunked: options.chunked ?? false });
    return object;
  }

  /** Files seen through files.getUploadURLExternal, with their bytes and completion. */
  uploads(): SlackUpload[] {
    return [...this.uploadsById.values()];
  }

  /** Makes a channel answer channel_not_found from now on (as when it is archived or deleted). */
  removeChannel(id: string): void {
    this.goneChannels.add(id);
  }

  /** Answers `method` with `{ok:false, error}` (HTTP 200, like Slack). */
  failWith(method: string, error: string, options: RuleOptions = {}): void {
    this.addRule(method, { status: 200, body: { ok: false, error } }, options);
  }

  /** Answers `method` with HTTP 429 and `Retry-After: seconds` (default once). */
  rateLimit(method: string, retryAfterSec: number, options: RuleOptions = {}): void {
    this.addRule(
      method,
      { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(retryAfterSec) } },
      options,
    );
  }

  /** Answers `method` with a bare HTTP status (e.g. 500, or 404 for an expired response_url). */
  httpStatus(method: string, status: number, options: RuleOptions = {}): void {
    this.addRule(method, { status, body: { ok: false, error: `http_${status}` } }, options);
  }

  clearFailures(): void {
    this.rules.length = 0;
  }

  /** Custom answer for a method (replaces the built-in one, if any). */
  handle(method: string, handler: Handler): void {
    this.handlers.set(method, handler);
  }

  async close(): Promise<void> {
    this.calls.closeWaiters('stand-in closed');
    await this.loopback.close();
  }

  /** @internal request entry point */
  async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const parsed = await readRequest(req);
    const call = this.toCall(parsed);
    const rule = this.ruleAnswer(call);
    if (!rule && call.method === FILE_DOWNLOAD) {
      this.serveFile(call, res);
      return;
    }
    const answer = rule ?? this.answer(call, parsed);
    call.status = answer.status;
    call.response = answer.body;
    this.calls.push(call);
    if (call.method === FILE_UPLOAD && answer.status === 200) {
      // Slack's upload host answers plain text, not JSON.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${call.files[0]?.bytes.length ?? call.raw.length}`);
      return;
    }
    sendJson(res, answer.status, answer.body, answer.headers);
  }

  private toCall(parsed: ParsedRequest): SlackApiCall {
    const [, kind, rest] = /^\/([^/]+)\/?(.*)$/.exec(parsed.path) ?? [];
    let method = 'unknown';
    let pathId: string | undefined;
    if (kind === 'api') method = rest ?? '';
    else if (kind === 'response') [method, pathId] = [RESPONSE_URL, decodeURIComponent(rest ?? '')];
    else if (kind === 'upload') [method, pathId] = [FILE_UPLOAD, decodeURIComponent(rest ?? '')];
    else if (kind === 'files-pri') [method, pathId] = [FILE_DOWNLOAD, /^[^-/]+-([^/]+)/.exec(rest ?? '')?.[1]];
    const args: Record<string, unknown> = {};
    if (parsed.json !== undefined && typeof parsed.json === 'object' && parsed.json !== null) {
      Object.assign(args, parsed.json);
    }
    for (const [key, value] of Object.entries(parsed.fields)) {
      args[key] = JSON_FIELDS.has(key) ? decodeJsonField(value) : value;
    }
    const bearer = /^Bearer (.+)$/.exec(String(parsed.headers.authorization ?? ''))?.[1];
    return {
      seq: ++this.seq,
      method,
      token: bearer ?? (typeof args.token === 'string' ? args.token : undefined),
      args,
      files: parsed.files,
      pathId,
      headers: parsed.headers,
      contentType: parsed.contentType,
      raw: parsed.raw,
      receivedAt: Date.now(),
      status: 0,
      response: undefined,
    };
  }

  private addRule(method: string, answer: Answer, { times = 1, when = () => true }: RuleOptions): void {
    this.rules.push({ method, left: times, when, answer });
  }

  private ruleAnswer(call: SlackApiCall): Answer | undefined {
    const rule = this.rules.find((r) => r.method === call.method && r.left > 0 && r.when(call));
    if (!rule) return undefined;
    rule.left -= 1;
    return rule.answer;
  }

  private answer(call: SlackApiCall, parsed: ParsedRequest): Answer {
    if (parsed.jsonError !== undefined) {
      return { status: call.method === RESPONSE_URL ? 400 : 200, body: { ok: false, error: 'invalid_json' } };
    }
    if (call.method === RESPONSE_URL) {
      // Approximation: Slack answers a bad response_url payload with an HTTP error, which makes
      // Bolt's respond() throw; the exact status is not documented.
      const problems = blockKitProblems(call.args.blocks);
      if (problems.length > 0) return { status: 400, body: invalidBlocks(problems) };
      return { status: 200, body: { ok: true } };
    }
    if (call.method === FILE_UPLOAD) return this.receiveUpload(call, parsed);
    if (call.method === 'unknown') return { status: 404, body: { ok: false, error: 'not_found' } };
    const authError = this.checkToken(call.token);
    if (authError) return ok200({ ok: false, error: authError });
    const custom = this.handlers.get(call.method);
    if (custom) return ok200(custom(call));
    const builtIn = this.builtIns[call.method];
    return ok200(builtIn ? builtIn(call) : { ok: false, error: 'unknown_method' });
  }

  /** url_private(_download): the bytes to a valid Bearer token; Slack's sign-in page otherwise. */
  private serveFile(call: SlackApiCall, res: http.ServerResponse): void {
    const hosted = call.pathId ? this.hostedFiles.get(call.pathId) : undefined;
    const bearer = /^Bearer (.+)$/.exec(String(call.headers.authorization ?? ''))?.[1];
    const authorized = bearer !== undefined && this.checkToken(bearer) === undefined;
    call.status = hosted ? 200 : 404;
    call.response = !hosted ? 'not found' : authorized ? `${hosted.bytes.length} bytes` : 'sign-in page';
    this.calls.push(call);
    if (!hosted) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('File not found');
      return;
    }
    if (!authorized) {
      // What Slack does for a request without a usable token: its sign-in page, status 200.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>');
      return;
    }
    const headers: Record<string, string | number> = { 'content-type': hosted.object.mimetype };
    if (!hosted.chunked) headers['content-length'] = hosted.bytes.length;
    res.writeHead(200, headers);
    // In pieces, so a client that stops reading part-way is seen to stop.
    const piece = 64 * 1024;
    let offset = 0;
    const next = (): void => {
      while (offset < hosted.bytes.length && !res.destroyed) {
        const chunk = hosted.bytes.subarray(offset, offset + piece);
        offset += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', next);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => {
      if (offset < hosted.bytes.length) call.response = `stopped by the client after ${offset} of ${hosted.bytes.length} bytes`;
    });
    next();
  }

  private checkToken(token: string | undefined): string | undefined {
    if (!token) return 'not_authed';
    if (this.options.tokens && !this.options.tokens.includes(token)) return 'invalid_auth';
    return undefined;
  }

  private readonly builtIns: Record<string, Handler> = {
    'auth.test': () => ({
      ok: true,
      url: `https://${this.team.domain}.slack.com/`,
      team: this.team.name,
      user: this.bot.name,
      team_id: this.team.id,
      user_id: this.bot.userId,
      bot_id: this.bot.botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (call) => {
      const channel = String(call.args.channel ?? '');
      const refused = this.messageError(channel, call.args.blocks);
      if (refused) return refused;
      const ts = this.nextTs();
      const threadTs = optionalString(call.args.thread_ts);
      const message: SlackMessage = { channel, ts, threadTs, text: call.args.text, blocks: call.args.blocks, versions: [call.args] };
      this.messagesByKey.set(`${channel}/${ts}`, message);
      return { ok: true, channel, ts, message: this.messageBody(message) };
    },
    'chat.update': (call) => {
      const channel = String(call.args.channel ?? '');
      const refused = this.messageError(channel, call.args.blocks);
      if (refused) return refused;
      const message = this.messagesByKey.get(`${channel}/${String(call.args.ts ?? '')}`);
      if (!message) return { ok: false, error: 'message_not_found' };
      message.text = call.args.text ?? message.text;
      message.blocks = call.args.blocks ?? message.blocks;
      message.versions.push(call.args);
      return { ok: true, channel, ts: message.ts, text: message.text, message: this.messageBody(message) };
    },
    'chat.delete': (call) => {
      const channel = String(call.args.channel ?? '');
      const gone = this.channelError(channel);
      if (gone) return gone;
      const key = `${channel}/${String(call.args.ts ?? '')}`;
      if (!this.messagesByKey.delete(key)) return { ok: false, error: 'message_not_found' };
      return { ok: true, channel, ts: call.args.ts };
    },
    'conversations.join': (call) => {
      const id = String(call.args.channel ?? '');
      const gone = this.channelError(id);
      if (gone) return gone;
      const known = this.channelsById.get(id);
      if (known?.isIm || known?.isPrivate) return { ok: false, error: 'method_not_supported_for_channel_type' };
      return { ok: true, channel: { id, name: known?.name ?? id.toLowerCase(), is_channel: true, is_member: true } };
    },
    'files.info': (call) => {
      const hosted = this.hostedFiles.get(String(call.args.file ?? ''));
      if (!hosted) return { ok: false, error: 'file_not_found' };
      return { ok: true, file: hosted.object, comments: [], response_metadata: { next_cursor: '' } };
    },
    'chat.postEphemeral': (call) => {
      const refused = this.messageError(String(call.args.channel ?? ''), call.args.blocks);
      if (refused) return refused;
      if (!call.args.user) return { ok: false, error: 'user_not_in_channel' };
      return { ok: true, message_ts: this.nextTs() };
    },
    'conversations.info': (call) => {
      const id = String(call.args.channel ?? '');
      const gone = this.channelError(id);
      if (gone) return gone;
      const known = this.channelsById.get(id);
      return {
        ok: true,
        channel: {
          id,
          name: known?.name ?? id.toLowerCase(),
          is_channel: !(known?.isIm ?? false),
          is_im: known?.isIm ?? false,
          is_private: known?.isPrivate ?? false,
          is_archived: false,
          is_member: true,
        },
      };
    },
    'files.getUploadURLExternal': (call) => {
      const filename = optionalString(call.args.filename);
      const length = Number(call.args.length);
      if (!filename) return { ok: false, error: 'invalid_arguments' };
      if (!Number.isInteger(length) || length < 0) return { ok: false, error: 'invalid_arguments' };
      const fileId = `F${String(++this.idCounter).padStart(8, '0')}`;
      this.uploadsById.set(fileId, {
        fileId,
        filename,
        declaredLength: length,
        bytes: undefined,
        completed: false,
        title: undefined,
        channelId: undefined,
        initialComment: undefined,
        threadTs: undefined,
      });
      return { ok: true, upload_url: `${this.loopback.baseUrl}/upload/${fileId}`, file_id: fileId };
    },
    'files.completeUploadExternal': (call) => {
      const files = call.args.files;
      if (!Array.isArray(files) || files.length === 0) return { ok: false, error: 'invalid_arguments' };
      const channelId = optionalString(call.args.channel_id);
      if (channelId) {
        const gone = this.channelError(channelId);
        if (gone) return gone;
      }
      const done: SlackUpload[] = [];
      for (const entry of files as Array<{ id?: unknown; title?: unknown }>) {
        const upload = this.uploadsById.get(String(entry.id));
        if (!upload || upload.bytes === undefined) return { ok: false, error: 'file_not_found' };
        Object.assign(upload, {
          completed: true,
          title: optionalString(entry.title) ?? upload.filename,
          channelId,
          initialComment: optionalString(call.args.initial_comment),
          threadTs: optionalString(call.args.thread_ts),
        });
        done.push(upload);
      }
      return {
        ok: true,
        files: done.map((u) => ({ id: u.fileId, name: u.filename, title: u.title, size: u.bytes?.length ?? 0 })),
      };
    },
    'apps.connections.open': (call) => {
      if (!call.token?.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
      if (!this.socketUrl) return { ok: false, error: 'internal_error' };
      const sep = this.socketUrl.includes('?') ? '&' : '?';
      return { ok: true, url: `${this.socketUrl}${sep}ticket=${++this.tickets}` };
    },
  };

  private receiveUpload(call: SlackApiCall, parsed: ParsedRequest): Answer {
    const upload = call.pathId ? this.uploadsById.get(call.pathId) : undefined;
    if (!upload) return { status: 404, body: { ok: false, error: 'unknown_upload' } };
    // @slack/web-api posts the bytes as a multipart part; accept a raw body too.
    upload.bytes = parsed.files[0]?.bytes ?? parsed.raw;
    return { status: 200, body: undefined };
  }

  private channelError(channel: string): Record<string, unknown> | undefined {
    if (!channel || this.goneChannels.has(channel)) return { ok: false, error: 'channel_not_found' };
    return undefined;
  }

  /** Why Slack refuses a message: the channel is gone, or else its blocks are not valid Block Kit. */
  private messageError(channel: string, blocks: unknown): Record<string, unknown> | undefined {
    return this.channelError(channel) ?? blocksError(blocks);
  }

  private messageBody(message: SlackMessage): Record<string, unknown> {
    return {
      type: 'message',
      user: this.bot.userId,
      bot_id: this.bot.botId,
      app_id: this.bot.appId,
      ts: message.ts,
      text: message.text,
      blocks: message.blocks,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    };
  }

  /** Slack message timestamps: "<unix seconds>.<6 digits>", unique per server. */
  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.idCounter).padStart(6, '0')}`;
  }
}

function invalidBlocks(problems: string[]): Record<string, unknown> {
  return { ok: false, error: 'invalid_blocks', errors: problems, response_metadata: { messages: problems } };
}

function blocksError(blocks: unknown): Record<string, unknown> | undefined {
  const problems = blockKitProblems(blocks);
  return problems.length > 0 ? invalidBlocks(problems) : undefined;
}

function ok200(body: Record<string, unknown>): Answer {
  return { status: 200, body };
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function decodeJsonField(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Starts the stand-in on 127.0.0.1 with a free port. */
export async function startSlackApi(options: SlackApiOptions = {}): Promise<SlackApiStandIn> {
  let standIn: SlackApiStandIn | undefined;
  const server = await listenOnLoopback((req, res) => {
    if (!standIn) throw new Error('slack stand-in not ready');
    return standIn.onRequest(req, res);
  });
  standIn = new SlackApiStandIn(server, options);
  return standIn;
}
