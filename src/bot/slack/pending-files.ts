/**
 * Reports that asked their requester for a file (Report.awaitsFiles), by the thread that hangs off
 * the report's message: slash commands cannot carry files in Slack, so the user replies in that
 * thread with the file. An entry is open for `windowMs` (15 minutes), then answers "expired" for a
 * while (so a late reply gets a hint, not silence), then is forgotten. Bounded: the oldest entries
 * go first when there are too many.
 */

export interface FileRequest {
  channel: string;
  /** ts of the report's first message: the thread's parent */
  threadTs: string;
  /** the one user whose reply counts */
  user: string;
  /** what to dispatch with the files (awaitsFiles.input) */
  input: string;
}

export interface PendingFileOptions {
  /** how long a request takes replies; default 15 minutes */
  windowMs?: number;
  /** how long after that a reply still gets an "expired" hint; default 24 hours */
  lateHintMs?: number;
  /** default 1000 */
  maxEntries?: number;
  now?: () => number;
}

export type Lookup = { state: 'open'; request: FileRequest } | { state: 'expired'; request: FileRequest };

interface Entry {
  request: FileRequest;
  expiresAt: number;
}

export const FILE_REPLY_WINDOW_MS = 15 * 60_000;

export class PendingFileRequests {
  private readonly entries = new Map<string, Entry>();
  private readonly windowMs: number;
  private readonly lateHintMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: PendingFileOptions = {}) {
    this.windowMs = options.windowMs ?? FILE_REPLY_WINDOW_MS;
    this.lateHintMs = options.lateHintMs ?? 24 * 3600_000;
    this.maxEntries = options.maxEntries ?? 1000;
    this.now = options.now ?? Date.now;
  }

  get window(): number {
    return this.windowMs;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Opens (or reopens, for another window) the thread for its user's files. */
  remember(request: FileRequest): void {
    const key = keyOf(request.channel, request.threadTs);
    this.entries.delete(key);
    this.entries.set(key, { request: { ...request }, expiresAt: this.now() + this.windowMs });
    this.prune();
  }

  lookup(channel: string, threadTs: string): Lookup | undefined {
    const entry = this.entries.get(keyOf(channel, threadTs));
    if (!entry) return undefined;
    const now = this.now();
    if (now <= entry.expiresAt) return { state: 'open', request: entry.request };
    if (now <= entry.expiresAt + this.lateHintMs) return { state: 'expired', request: entry.request };
    this.entries.delete(keyOf(channel, threadTs));
    return undefined;
  }

  forget(channel: string, threadTs: string): void {
    this.entries.delete(keyOf(channel, threadTs));
  }

  private prune(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (now > entry.expiresAt + this.lateHintMs) this.entries.delete(key);
    }
    // Map keeps insertion order and remember() re-inserts: the first keys are the oldest.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}

function keyOf(channel: string, threadTs: string): string {
  return `${channel}/${threadTs}`;
}

/** Remembers recently seen keys (Slack retries an event it thinks was lost): each is handled once. */
export class RecentKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly max = 1000) {}

  /** true the first time a key is seen */
  firstTime(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    for (const old of this.keys) {
      if (this.keys.size <= this.max) break;
      this.keys.delete(old);
    }
    return true;
  }
}
