/**
 * Discord stand-in: REST (discord-rest.ts) + gateway (discord-gateway.ts) + state, behind one
 * object, so a test drives a real discord.js Client the way Discord would.
 *
 *   const discord = await startDiscord({ guilds: [{ id: GUILD, name: 'Lab', channels: [{ id: CHAN, name: 'netops' }] }] });
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
 *   await client.login(discord.token);                         // → GET /gateway/bot, HELLO, IDENTIFY, READY, GUILD_CREATE
 *   const file = discord.attachment({ filename: 'auth.log', content: '…' });   // declaredSize: fake a huge one
 *   const ix = discord.dispatchInteraction({
 *     options: [opt.subcommand('scan', [opt.string('target', '10.20.0.0/24')])],
 *     memberRoles: ['111'], channelId: CHAN, attachments: [file],
 *   });
 *   const defer = await ix.callback();                         // POST …/callback, type 5
 *   const edit = await ix.nextEdit();                          // PATCH …/messages/@original
 *   edit.body.embeds; edit.files[0].bytes; ix.state().original
 *   await client.destroy(); await discord.close();             // destroy the client first
 *
 * Defaults: token "loopback-bot-token", application id / bot user fixed snowflakes, one guild
 * with one text channel, users "alice". `memberRoles` that the guild does not have yet are created
 * with GUILD_ROLE_CREATE before the interaction, so `member.roles.cache` in discord.js sees them
 * (discord.js only resolves role ids that are in the guild's role cache).
 */
import {
  GatewayDispatchEvents,
  Locale,
  type APIApplicationCommandInteractionDataOption,
  type APIAttachment,
  type APIChatInputApplicationCommandInteraction,
  type APIMessage,
} from 'discord.js';
import { randomBytes } from 'node:crypto';
import type { WaitOptions } from './call-log';
import type { InteractionRecord, RegisteredCommand } from './discord-messages';
import { startDiscordGateway, type DiscordGatewayStandIn } from './discord-gateway';
import {
  apiRole,
  apiTextChannel,
  chatInputInteraction,
  defaultChannels,
  snowflake,
  type DiscordChannelSpec,
  type DiscordGuildSpec,
  type DiscordUserSpec,
} from './discord-payloads';
import { startDiscordRest, type DiscordRestCall, type DiscordRestStandIn } from './discord-rest';

export { opt } from './discord-payloads';

export interface DiscordStandInOptions {
  token?: string;
  applicationId?: string;
  bot?: DiscordUserSpec;
  guilds?: DiscordGuildSpec[];
  /** HELLO's heartbeat_interval; default Discord's 41250 ms. Small values exercise heartbeats. */
  heartbeatIntervalMs?: number;
}

export interface InteractionSpec {
  /** Default "router-audit". */
  commandName?: string;
  options?: APIApplicationCommandInteractionDataOption[];
  /** Default alice (U id 100000000000000001). */
  user?: DiscordUserSpec;
  /** Default the first guild; null for a DM. */
  guildId?: string | null;
  /** Default the guild's first channel (or a fresh DM channel). */
  channelId?: string;
  /** Role ids of the member; missing roles are created in the guild first. */
  memberRoles?: string[];
  /** Member permission bitfield (decimal string); default "0". */
  memberPermissions?: string;
  /** From attachment(); referenced by opt.attachment(). */
  attachments?: APIAttachment[];
  locale?: Locale;
}

export interface DispatchedInteraction {
  id: string;
  token: string;
  payload: APIChatInputApplicationCommandInteraction;
  /** The bot's interaction response (POST …/callback); bounded wait. */
  callback(options?: WaitOptions): Promise<DiscordRestCall>;
  /** The next edit of the reply (PATCH …/messages/@original) not yet returned. */
  nextEdit(options?: WaitOptions): Promise<DiscordRestCall>;
  /** The next follow-up (POST /webhooks/:app/:token) not yet returned. */
  nextFollowup(options?: WaitOptions): Promise<DiscordRestCall>;
  /** Current reply and follow-ups as Discord holds them. */
  state(): InteractionRecord;
}

export const DEFAULT_TOKEN = 'loopback-bot-token';
const DEFAULT_USER: DiscordUserSpec = { id: '100000000000000001', username: 'alice' };

export class DiscordStandIn {
  constructor(
    readonly rest: DiscordRestStandIn,
    readonly gateway: DiscordGatewayStandIn,
    readonly token: string,
    readonly applicationId: string,
    readonly bot: DiscordUserSpec,
    /** Live guild models (roles/channels added by the stand-in appear here). */
    readonly guilds: DiscordGuildSpec[],
  ) {}

  /** REST base for `new Client({ rest: { api } })` and DISCORD_API_URL. */
  get apiUrl(): string {
    return this.rest.apiUrl;
  }

  /**
   * A file a user "uploaded": stored bytes with a URL on this server, for opt.attachment().
   * `declaredSize` is the size the attachment object reports (default: the byte count); set it to
   * fake a huge upload (2 GB) without holding it. Downloads are recorded as route downloadAttachment.
   */
  attachment(file: { filename: string; content: string | Buffer; contentType?: string; declaredSize?: number }): APIAttachment {
    const bytes = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
    return this.rest.store.storeAttachment(file.filename, bytes, file.contentType ?? 'text/plain; charset=utf-8', file.declaredSize);
  }

  /** Sends INTERACTION_CREATE for a chat-input command and returns handles to what the bot does next. */
  dispatchInteraction(spec: InteractionSpec = {}): DispatchedInteraction {
    const guild = spec.guildId === null ? undefined : this.guild(spec.guildId);
    const channel = this.channelFor(guild, spec.channelId);
    if (guild) this.ensureRoles(guild, spec.memberRoles ?? []);
    const id = snowflake();
    const token = `aW50ZXJhY3Rpb246${randomBytes(24).toString('base64url')}`;
    const commandName = spec.commandName ?? 'router-audit';
    const payload = chatInputInteraction({
      id,
      token,
      applicationId: this.applicationId,
      commandId: this.commandId(commandName, guild?.id),
      commandName,
      options: spec.options ?? [],
      user: spec.user ?? DEFAULT_USER,
      guild: guild ? { id: guild.id, memberRoles: spec.memberRoles ?? [], permissions: spec.memberPermissions ?? '0' } : undefined,
      channel,
      attachments: spec.attachments ?? [],
      locale: spec.locale ?? Locale.EnglishUS,
    });
    this.rest.store.registerInteraction(id, token, channel.id);
    this.gateway.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    const forToken = (c: DiscordRestCall): boolean => c.params.token === token;
    return {
      id,
      token,
      payload,
      callback: (options) => this.rest.nextCall('createInteractionResponse', { ...options, where: forToken }),
      nextEdit: (options) =>
        this.rest.nextCall('editWebhookMessage', { ...options, where: (c) => forToken(c) && c.params.messageId === '@original' }),
      nextFollowup: (options) => this.rest.nextCall('createFollowupMessage', { ...options, where: forToken }),
      state: () => {
        const record = this.rest.store.interactions.get(token);
        if (!record) throw new Error(`interaction ${id} is not known`);
        return record;
      },
    };
  }

  /** Messages posted with POST /channels/:id/messages (digests), oldest first. */
  channelMessages(channelId: string): APIMessage[] {
    return this.rest.store.channelMessages.get(channelId) ?? [];
  }

  /** Commands registered with PUT …/commands (global when guildId is omitted). */
  registeredCommands(guildId?: string): RegisteredCommand[] {
    return this.rest.store.commands.get(guildId ?? 'global') ?? [];
  }

  /** Makes a channel answer 404 Unknown Channel (deleted, or the bot was removed). */
  removeChannel(channelId: string): void {
    this.rest.store.removeChannel(channelId);
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.rest.close();
  }

  private guild(id: string | undefined): DiscordGuildSpec {
    const guild = id === undefined ? this.guilds[0] : this.guilds.find((g) => g.id === id);
    if (!guild) throw new Error(`discord stand-in: no guild ${id ?? '(none configured)'}`);
    return guild;
  }

  private channelFor(guild: DiscordGuildSpec | undefined, channelId: string | undefined): DiscordChannelSpec {
    if (!guild) return { id: channelId ?? snowflake(), name: 'dm' };
    const channels = defaultChannels(guild);
    if (channelId === undefined) return channels[0] as DiscordChannelSpec;
    const known = channels.find((c) => c.id === channelId);
    if (known) return known;
    // A channel the guild did not list: create it, as if it had just been made.
    const channel = { id: channelId, name: `channel-${channelId}` };
    guild.channels = [...channels, channel];
    this.rest.store.addChannel(channelId);
    this.gateway.dispatch(GatewayDispatchEvents.ChannelCreate, apiTextChannel(channel, guild.id, guild.channels.length - 1));
    return channel;
  }

  private ensureRoles(guild: DiscordGuildSpec, roleIds: string[]): void {
    for (const roleId of roleIds) {
      if (roleId === guild.id || (guild.roles ?? []).some((r) => r.id === roleId)) continue;
      const role = { id: roleId, name: `role-${roleId}` };
      guild.roles = [...(guild.roles ?? []), role];
      this.gateway.dispatch(GatewayDispatchEvents.GuildRoleCreate, { guild_id: guild.id, role: apiRole(role, guild.roles.length) });
    }
  }

  /** The id the bot registered for this command, if it did; otherwise a stable made-up one. */
  private commandId(name: string, guildId: string | undefined): string {
    const registered = [...this.registeredCommands(guildId), ...this.registeredCommands()].find((c) => c.name === name);
    if (registered) return registered.id;
    this.madeUpCommandIds[name] ??= snowflake();
    return this.madeUpCommandIds[name];
  }

  private readonly madeUpCommandIds: Record<string, string> = {};
}

/** Starts REST and gateway on 127.0.0.1 (free ports) and wires GET /gateway/bot to the gateway. */
export async function startDiscord(options: DiscordStandInOptions = {}): Promise<DiscordStandIn> {
  const token = options.token ?? DEFAULT_TOKEN;
  const applicationId = options.applicationId ?? '200000000000000001';
  const bot = options.bot ?? { id: '300000000000000001', username: 'router-audit', bot: true };
  const guilds = (options.guilds ?? [{ id: '400000000000000001', name: 'Loopback Lab' }]).map((g) => ({ ...g }));
  const rest = await startDiscordRest({ token, applicationId, bot });
  const gateway = await startDiscordGateway({
    token,
    applicationId,
    bot,
    guilds,
    ...(options.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
  });
  rest.setGatewayUrl(gateway.url);
  for (const guild of guilds) for (const channel of defaultChannels(guild)) rest.store.addChannel(channel.id);
  return new DiscordStandIn(rest, gateway, token, applicationId, bot, guilds);
}
