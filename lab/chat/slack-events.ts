/**
 * Slack Events API deliveries to a real Bolt app: a `message` event (a user's reply in a thread,
 * with files) wrapped in the `event_callback` envelope Slack sends, posted signed to the HTTP
 * receiver, or pushed over Socket Mode as an `events_api` envelope.
 *
 *   const file = slack.hostFile({ name: 'signins.json', content: log });       // slack-api.ts
 *   const event = fileShareEvent({ channel: 'C1', user: 'U1', threadTs, files: [file] });
 *   const res = await postEvent({ url: `${boltBase}/slack/events`, signingSecret, event });   // HTTP: 200 = acked
 *   const pushed = socket.pushEnvelope('events_api', eventCallback(event));                  // Socket Mode
 *   await pushed.ack();
 *
 * Files in an event are full file objects by default; `checkFileInfo(file)` gives the stub Slack
 * sends when the bot must call files.info for the details (`file_access: "check_file_info"`).
 * Bolt acks every event at once and ignores the legacy `token` field when it verifies signatures.
 */
import { randomBytes } from 'node:crypto';
import type { SlackFileObject } from './slack-api';
import { postSigned, type SignedPostOptions, type SlackHttpResult } from './slack-signing';

export interface FileShareEventOptions {
  channel: string;
  user: string;
  /** The thread's parent ts; omit for a message in the channel itself. */
  threadTs?: string;
  files: Array<SlackFileObject | Record<string, unknown>>;
  text?: string;
  /** Default "channel"; "im" for a DM, "group" for a private channel. */
  channelType?: 'channel' | 'group' | 'im';
  /** Default now, unique per call. */
  ts?: string;
}

let tsCounter = 0;

/** A message ts the way Slack writes them, unique in this process. */
export function messageTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(500000 + tsCounter).padStart(6, '0')}`;
}

/** The `message` event (subtype file_share) a user's post with files produces. */
export function fileShareEvent(options: FileShareEventOptions): Record<string, unknown> {
  const ts = options.ts ?? messageTs();
  return {
    type: 'message',
    subtype: 'file_share',
    text: options.text ?? '',
    files: options.files,
    upload: false,
    user: options.user,
    display_as_bot: false,
    ts,
    ...(options.threadTs ? { thread_ts: options.threadTs, parent_user_id: 'U0BOT' } : {}),
    channel: options.channel,
    channel_type: options.channelType ?? 'channel',
    event_ts: ts,
    blocks: [],
  };
}

/** The stub Slack puts in an event instead of the file object when the app must ask files.info. */
export function checkFileInfo(file: SlackFileObject): Record<string, unknown> {
  return { id: file.id, mode: 'file_access', file_access: 'check_file_info', created: file.created, timestamp: file.timestamp, user: file.user };
}

export interface EventCallbackOptions {
  teamId?: string;
  apiAppId?: string;
}

/** The Events API envelope (`type: event_callback`) around one event. */
export function eventCallback(event: Record<string, unknown>, options: EventCallbackOptions = {}): Record<string, unknown> {
  const teamId = options.teamId ?? 'T0TEST';
  return {
    token: 'legacy-verification-token',
    team_id: teamId,
    context_team_id: teamId,
    api_app_id: options.apiAppId ?? 'A0APP',
    event,
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export interface EventPostOptions extends SignedPostOptions {
  event: Record<string, unknown>;
  envelope?: EventCallbackOptions;
}

/** POSTs the event to the Bolt HTTP receiver as Slack does: JSON, signed. */
export function postEvent(options: EventPostOptions): Promise<SlackHttpResult> {
  return postSigned(JSON.stringify(eventCallback(options.event, options.envelope)), 'application/json', options);
}
