/**
 * What the Discord stand-in remembers between REST calls: dispatched interactions and their
 * responses (the "original" message and follow-ups), channel messages, attachment bytes and
 * registered commands. Pure state with Discord's rules; the HTTP side lives in discord-rest.ts.
 *
 * Rules kept (each answered with Discord's error code, so discord.js raises a real DiscordAPIError):
 *   - a callback for an interaction that was never dispatched → 404, 10062 Unknown interaction
 *   - a second callback for the same interaction → 400, 40060 already acknowledged
 *   - editing/reading @original before any callback → 404, 10008 Unknown Message
 *   - posting to a channel that is unknown or was removed → 404, 10003 Unknown Channel
 *   - messages over Discord's limits → 400, 50035 Invalid Form Body (see discord-limits.ts)
 *   - creating an empty message → 400, 50006 Cannot send an empty message
 */
import { InteractionResponseType, MessageFlags, MessageType, type APIAttachment, type APIMessage } from 'discord.js';
import { discordMessageProblems, invalidFormBody } from './discord-limits';
import { messageObject, snowflake, type DiscordUserSpec } from './discord-payloads';
import type { UploadedFile } from './loopback-http';

export interface RestAnswer {
  status: number;
  body: unknown;
}

export interface StoredAttachment {
  id: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
  /** The size Discord reports in the attachment object when it differs from the bytes (a "2 GB" upload). */
  declaredSize?: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  channelId: string;
  /** Callback type the bot answered with (5 = deferred, 4 = message, …); undefined until then. */
  responseType: InteractionResponseType | undefined;
  /** The reply ("@original"); undefined until the callback. */
  original: APIMessage | undefined;
  followups: APIMessage[];
}

export interface RegisteredCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  name: string;
  [key: string]: unknown;
}

const LOADING = Number(MessageFlags.Loading);
const EPHEMERAL = Number(MessageFlags.Ephemeral);

export class DiscordMessageStore {
  readonly interactions = new Map<string, InteractionRecord>();
  readonly channelMessages = new Map<string, APIMessage[]>();
  readonly attachments = new Map<string, StoredAttachment>();
  readonly commands = new Map<string, RegisteredCommand[]>();
  private readonly knownChannels = new Set<string>();
  private readonly goneChannels = new Set<string>();

  constructor(
    private readonly bot: DiscordUserSpec,
    private readonly applicationId: string,
    private readonly attachmentUrl: (id: string, filename: string) => string,
  ) {}

  addChannel(id: string): void {
    this.knownChannels.add(id);
    this.goneChannels.delete(id);
  }

  removeChannel(id: string): void {
    this.goneChannels.add(id);
  }

  /** Stores bytes the bot can download (an attachment a user sent, or one the bot uploaded). */
  storeAttachment(filename: string, bytes: Buffer, contentType: string, declaredSize?: number): APIAttachment {
    const id = snowflake();
    this.attachments.set(id, { id, filename, contentType, bytes, ...(declaredSize !== undefined ? { declaredSize } : {}) });
    return this.describeAttachment(id);
  }

  registerInteraction(id: string, token: string, channelId: string): void {
    this.addChannel(channelId);
    this.interactions.set(token, { id, token, channelId, responseType: undefined, original: undefined, followups: [] });
  }

  interactionCallback(id: string, token: string, body: unknown, files: UploadedFile[], withResponse: boolean): RestAnswer {
    const record = this.interactions.get(token);
    if (!record || record.id !== id) return error(404, 10062, 'Unknown interaction');
    if (record.responseType !== undefined) return error(400, 40060, 'Interaction has already been acknowledged.');
    const callback = isObject(body) ? body : {};
    const type = Number(callback.type) as InteractionResponseType;
    const data = isObject(callback.data) ? callback.data : {};
    if (type === InteractionResponseType.ChannelMessageWithSource) {
      const problem = this.createProblems(data, files);
      if (problem) return problem;
    }
    record.responseType = type;
    if (type === InteractionResponseType.DeferredChannelMessageWithSource) {
      record.original = this.newMessage(record.channelId, {}, [], (Number(data.flags ?? 0) & EPHEMERAL) | LOADING);
    } else if (type === InteractionResponseType.ChannelMessageWithSource) {
      record.original = this.newMessage(record.channelId, data, this.newAttachments(data, files, []), Number(data.flags ?? 0) & EPHEMERAL);
    }
    if (!withResponse) return { status: 204, body: undefined };
    const flags = record.original?.flags ?? 0;
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: 2,
          response_message_id: record.original?.id,
          response_message_loading: (flags & LOADING) !== 0,
          response_message_ephemeral: (flags & EPHEMERAL) !== 0,
        },
        resource: { type, ...(record.original ? { message: record.original } : {}) },
      },
    };
  }

  getWebhookMessage(appId: string, token: string, messageId: string): RestAnswer {
    const found = this.findWebhookMessage(appId, token, messageId);
    return found.message ? { status: 200, body: found.message } : found.answer;
  }

  editWebhookMessage(appId: string, token: string, messageId: string, body: unknown, files: UploadedFile[]): RestAnswer {
    const found = this.findWebhookMessage(appId, token, messageId);
    if (!found.message) return found.answer;
    const data = isObject(body) ? body : {};
    const problems = discordMessageProblems(data, files.length);
    if (problems.length > 0) return { status: 400, body: invalidFormBody(problems) };
    const old = found.message;
    const edited: APIMessage = {
      ...old,
      content: typeof data.content === 'string' ? data.content : old.content,
      embeds: Array.isArray(data.embeds) ? (data.embeds as APIMessage['embeds']) : old.embeds,
      components: Array.isArray(data.components) ? (data.components as APIMessage['components']) : old.components,
      attachments: this.newAttachments(data, files, old.attachments),
      flags: (old.flags ?? 0) & ~LOADING,
      edited_timestamp: new Date().toISOString(),
    };
    found.replace(edited);
    return { status: 200, body: edited };
  }

  deleteWebhookMessage(appId: string, token: string, messageId: string): RestAnswer {
    const found = this.findWebhookMessage(appId, token, messageId);
    if (!found.message) return found.answer;
    found.remove();
    return { status: 204, body: undefined };
  }

  createFollowup(appId: string, token: string, body: unknown, files: UploadedFile[]): RestAnswer {
    const record = this.interactions.get(token);
    if (appId !== this.applicationId || !record) return error(404, 10015, 'Unknown Webhook');
    if (record.responseType === undefined) return error(404, 10015, 'Unknown Webhook');
    const data = isObject(body) ? body : {};
    const problem = this.createProblems(data, files);
    if (problem) return problem;
    const message = this.newMessage(record.channelId, data, this.newAttachments(data, files, []), Number(data.flags ?? 0) & EPHEMERAL);
    record.followups.push(message);
    return { status: 200, body: message };
  }

  createChannelMessage(channelId: string, body: unknown, files: UploadedFile[]): RestAnswer {
    if (!this.knownChannels.has(channelId) || this.goneChannels.has(channelId)) return error(404, 10003, 'Unknown Channel');
    const data = isObject(body) ? body : {};
    const problem = this.createProblems(data, files);
    if (problem) return problem;
    const message = messageObject({
      id: snowflake(),
      channelId,
      author: this.bot,
      body: data,
      attachments: this.newAttachments(data, files, []),
    });
    const list = this.channelMessages.get(channelId) ?? [];
    list.push(message);
    this.channelMessages.set(channelId, list);
    return { status: 200, body: message };
  }

  putCommands(appId: string, guildId: string | undefined, body: unknown): RestAnswer {
    if (appId !== this.applicationId) return error(403, 50001, 'Missing Access');
    if (!Array.isArray(body)) return { status: 400, body: invalidFormBody([{ path: [], code: 'LIST_TYPE_CONVERT', message: 'Only iterables may be used in a ListType' }]) };
    const entries = (body as unknown[]).map((c) => (isObject(c) ? c : {}));
    const unnamed = entries.findIndex((c) => typeof c.name !== 'string' || c.name === '');
    if (unnamed >= 0) {
      return { status: 400, body: invalidFormBody([{ path: [String(unnamed), 'name'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }]) };
    }
    const commands: RegisteredCommand[] = entries.map((c) => ({
      ...c,
      name: String(c.name),
      id: snowflake(),
      application_id: appId,
      version: snowflake(),
      ...(guildId ? { guild_id: guildId } : {}),
    }));
    this.commands.set(guildId ?? 'global', commands);
    return { status: 200, body: commands };
  }

  getCommands(appId: string, guildId: string | undefined): RestAnswer {
    if (appId !== this.applicationId) return error(403, 50001, 'Missing Access');
    return { status: 200, body: this.commands.get(guildId ?? 'global') ?? [] };
  }

  private createProblems(data: Record<string, unknown>, files: UploadedFile[]): RestAnswer | undefined {
    const problems = discordMessageProblems(data, files.length);
    if (problems.length > 0) return { status: 400, body: invalidFormBody(problems) };
    const empty =
      !(typeof data.content === 'string' && data.content.length > 0) &&
      !(Array.isArray(data.embeds) && data.embeds.length > 0) &&
      !(Array.isArray(data.components) && data.components.length > 0) &&
      files.length === 0 &&
      data.poll === undefined;
    return empty ? error(400, 50006, 'Cannot send an empty message') : undefined;
  }

  private newMessage(channelId: string, data: Record<string, unknown>, attachments: APIAttachment[], flags: number): APIMessage {
    return messageObject({
      id: snowflake(),
      channelId,
      author: this.bot,
      body: data,
      attachments,
      webhookId: this.applicationId,
      applicationId: this.applicationId,
      type: MessageType.ChatInputCommand,
      flags,
    });
  }

  /**
   * Attachments after a create/edit. discord.js lists new files in `attachments` as `{id: "<index>"}`
   * (index into the `files[n]` parts) next to the ids of attachments to keep; without an
   * `attachments` list, existing ones stay and new files are added.
   */
  private newAttachments(data: Record<string, unknown>, files: UploadedFile[], existing: APIAttachment[]): APIAttachment[] {
    const uploaded = new Map(files.map((f) => [fileIndex(f.field), f]));
    const fromFile = (f: UploadedFile): APIAttachment => this.storeAttachment(f.filename, f.bytes, f.contentType || 'application/octet-stream');
    if (!Array.isArray(data.attachments)) return [...existing, ...files.map(fromFile)];
    const result: APIAttachment[] = [];
    for (const entry of data.attachments as unknown[]) {
      const id = isObject(entry) ? String(entry.id) : '';
      const kept = existing.find((a) => a.id === id);
      const file = uploaded.get(id);
      if (kept) result.push(kept);
      else if (file) result.push(fromFile(file));
    }
    return result;
  }

  private describeAttachment(id: string): APIAttachment {
    const stored = this.attachments.get(id);
    if (!stored) throw new Error(`no attachment ${id}`);
    const url = this.attachmentUrl(id, stored.filename);
    return { id, filename: stored.filename, size: stored.declaredSize ?? stored.bytes.length, url, proxy_url: url, content_type: stored.contentType };
  }

  private findWebhookMessage(
    appId: string,
    token: string,
    messageId: string,
  ):
    | { message: APIMessage; replace: (m: APIMessage) => void; remove: () => void }
    | { message: undefined; answer: RestAnswer } {
    const record = this.interactions.get(token);
    if (appId !== this.applicationId || !record) return { message: undefined, answer: error(404, 10015, 'Unknown Webhook') };
    if (messageId === '@original') {
      if (!record.original) return { message: undefined, answer: error(404, 10008, 'Unknown Message') };
      return {
        message: record.original,
        replace: (m) => {
          record.original = m;
        },
        remove: () => {
          record.original = undefined;
        },
      };
    }
    const index = record.followups.findIndex((m) => m.id === messageId);
    const followup = record.followups[index];
    if (!followup) return { message: undefined, answer: error(404, 10008, 'Unknown Message') };
    return {
      message: followup,
      replace: (m) => {
        record.followups[index] = m;
      },
      remove: () => {
        record.followups.splice(index, 1);
      },
    };
  }
}

/** "files[3]" → "3"; other field names are kept as they are. */
function fileIndex(field: string): string {
  return /^files\[(\d+)\]$/.exec(field)?.[1] ?? field;
}

export function error(status: number, code: number, message: string): RestAnswer {
  return { status, body: { code, message } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
