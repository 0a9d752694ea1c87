/**
 * A Slack `message` event (Events API) read as "a user replied in a thread with files": the event
 * types are a wide union, so the fields this feature needs are read defensively from the raw
 * object. Anything else (a root message, an edit, a bot's message, a reply without files) is null.
 */

export interface SlackFileRef {
  id: string;
  name: string;
  /** bytes, as Slack reports them (not trusted for the download itself) */
  size: number | undefined;
  /** needs the bot token (Authorization: Bearer) */
  urlPrivateDownload: string | undefined;
  mimetype: string | undefined;
  /** a link to Google Drive & co. (nothing Slack can hand out) */
  external: boolean;
  /** Slack left out the details: ask files.info */
  needsInfo: boolean;
}

export interface FileReply {
  channel: string;
  user: string;
  ts: string;
  threadTs: string;
  files: SlackFileRef[];
}

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Subtypes a user's own file reply arrives with; edits, deletions, bot posts and joins are not replies. */
const REPLY_SUBTYPES = new Set<string | undefined>([undefined, 'file_share', 'thread_broadcast']);

/** One file object of an event or of files.info. */
export function fileRefOf(raw: unknown): SlackFileRef | null {
  if (!isObject(raw)) return null;
  const id = text(raw.id);
  if (!id) return null;
  const size = typeof raw.size === 'number' && Number.isFinite(raw.size) && raw.size >= 0 ? raw.size : undefined;
  const urlPrivateDownload = text(raw.url_private_download) ?? text(raw.url_private);
  return {
    id,
    name: text(raw.name) ?? text(raw.title) ?? id,
    size,
    urlPrivateDownload,
    mimetype: text(raw.mimetype),
    external: raw.is_external === true || raw.mode === 'external',
    needsInfo: raw.file_access === 'check_file_info' || urlPrivateDownload === undefined || size === undefined,
  };
}

export function fileReplyOf(event: unknown): FileReply | null {
  if (!isObject(event) || event.type !== 'message') return null;
  const subtype = text(event.subtype);
  if (!REPLY_SUBTYPES.has(subtype) || event.bot_id !== undefined) return null;
  const channel = text(event.channel);
  const user = text(event.user);
  const ts = text(event.ts);
  const threadTs = text(event.thread_ts);
  // A thread's parent carries thread_ts === ts: only replies count.
  if (!channel || !user || !ts || !threadTs || threadTs === ts) return null;
  const files = Array.isArray(event.files) ? event.files.map(fileRefOf).filter((f): f is SlackFileRef => f !== null) : [];
  if (files.length === 0) return null;
  return { channel, user, ts, threadTs, files };
}
