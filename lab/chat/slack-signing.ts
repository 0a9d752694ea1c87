/**
 * Signed Slack requests to a real Bolt HTTP receiver, as Slack's servers would send them.
 *
 *   const res = await postSlashCommand({
 *     url: `${boltBase}/slack/events`,
 *     signingSecret: SECRET,
 *     fields: { text: 'scan 10.20.0.0/24', response_url: slack.responseUrl() },
 *   });
 *   expect(res.status).toBe(200);  res.ackMs   // time until the HTTP response (the ack) was complete
 *
 *   await postSlashCommand({ url, signingSecret: SECRET, signWith: 'not-the-secret' })  // → 401
 *   await postSlashCommand({ url, signingSecret: SECRET, ageSec: 600 })                 // stale → 401
 *
 * Signature (Slack "v0"): `X-Slack-Signature: v0=<hex HMAC-SHA256(secret, "v0:<ts>:<raw body>")>`
 * with `X-Slack-Request-Timestamp: <ts>` in Unix seconds. Bolt rejects a bad signature, and a
 * timestamp more than 5 minutes old, with 401.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { slashCommand, slashCommandForm, type SlashCommandFields } from './slack-slash-command';

export interface SlackSignature {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Signs `body` the way Slack does. `timestampSec` defaults to now. */
export function signSlackBody(body: string, secret: string, timestampSec = Math.floor(Date.now() / 1000)): SlackSignature {
  const hmac = createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${hmac}`, 'x-slack-request-timestamp': String(timestampSec) };
}

export interface SignedPostOptions {
  /** Full receiver URL, e.g. "http://127.0.0.1:PORT/slack/events". */
  url: string;
  /** The app's real signing secret. */
  signingSecret: string;
  /** Sign with this secret instead (a forged request). */
  signWith?: string;
  /** Make the timestamp this many seconds old (600 = the 10-minute stale case). */
  ageSec?: number;
  /** Send no signature headers at all. */
  unsigned?: boolean;
  /** Give up after this long; default 10 s. */
  timeoutMs?: number;
}

export interface SlackHttpResult {
  status: number;
  body: string;
  /** `body` parsed as JSON when it is JSON. */
  json: unknown;
  headers: http.IncomingHttpHeaders;
  /** Milliseconds from sending the request to having the whole response: the ack as Slack sees it. */
  ackMs: number;
}

export interface SlashCommandPostOptions extends SignedPostOptions {
  /** Slash-command fields to override (see slashCommand()). */
  fields?: Partial<SlashCommandFields>;
}

/** POSTs a signed slash command; returns the response and the fields that were sent. */
export async function postSlashCommand(
  options: SlashCommandPostOptions,
): Promise<SlackHttpResult & { fields: SlashCommandFields }> {
  const fields = slashCommand(options.fields);
  const result = await postSigned(slashCommandForm(fields), 'application/x-www-form-urlencoded', options);
  return { ...result, fields };
}

/** POSTs any body signed as Slack would (for interactivity payloads or events later). */
export function postSigned(body: string, contentType: string, options: SignedPostOptions): Promise<SlackHttpResult> {
  const timestamp = Math.floor(Date.now() / 1000) - (options.ageSec ?? 0);
  const signature = options.unsigned ? {} : signSlackBody(body, options.signWith ?? options.signingSecret, timestamp);
  const url = new URL(options.url);
  return new Promise<SlackHttpResult>((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        // A fresh connection per request: nothing pooled outlives the test.
        agent: false,
        headers: {
          'content-type': contentType,
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
          ...signature,
        },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const ackMs = performance.now() - started;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text, json: parseJson(text), headers: res.headers, ackMs });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no response from ${options.url} within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
