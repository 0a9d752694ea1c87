/**
 * Discord payloads the stand-in sends, typed with discord-api-types (re-exported by discord.js) so
 * the compiler holds them to Discord's shapes: READY, GUILD_CREATE, INTERACTION_CREATE for a
 * chat-input command, and the message objects REST answers with. Also the option builders tests
 * use to describe what a user typed:
 *
 *   options: [opt.subcommand('scan', [opt.string('target', '10.20.0.0/24')])]
 *   options: [opt.subcommand('spray', [opt.attachment('log', file.id)])]   // file from discord.attachment()
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildHubType,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageType,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type ApplicationFlags,
  type GuildMemberFlags,
  type RoleFlags,
  type APIApplicationCommandInteractionDataSubcommandOption,
  type APIAttachment,
  type APIChatInputApplicationCommandInteraction,
  type APIGuildMember,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIRole,
  type APITextChannel,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type GatewayReadyDispatchData,
} from 'discord.js';

/** Flag bitfields are enums in discord-api-types; "no flags" is 0, which the enums do not name. */
const NO_FLAGS = 0;

/** Discord's epoch (2015-01-01), the base of snowflake timestamps. */
const DISCORD_EPOCH = 1420070400000n;
let increment = 0n;

/** A fresh, time-ordered snowflake id (as Discord makes them: ms since epoch << 22 | counter). */
export function snowflake(): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | increment).toString();
}

export interface DiscordUserSpec {
  id: string;
  username: string;
  bot?: boolean;
}

export interface DiscordRoleSpec {
  id: string;
  name: string;
  /** Permission bitfield as a decimal string; default "0". */
  permissions?: string;
}

export interface DiscordChannelSpec {
  id: string;
  name: string;
}

export interface DiscordGuildSpec {
  id: string;
  name: string;
  ownerId?: string;
  /** Roles besides @everyone (whose id is the guild id). */
  roles?: DiscordRoleSpec[];
  /** Text channels; default one channel named "netops". */
  channels?: DiscordChannelSpec[];
}

export function apiUser(user: DiscordUserSpec): APIUser {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.bot ? null : user.username,
    avatar: null,
    bot: user.bot ?? false,
  };
}

export function apiRole(role: DiscordRoleSpec, position: number): APIRole {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: role.permissions ?? '0',
    managed: false,
    mentionable: false,
    flags: NO_FLAGS as RoleFlags,
  };
}

export function apiTextChannel(channel: DiscordChannelSpec, guildId: string, position: number): APITextChannel {
  return {
    id: channel.id,
    type: ChannelType.GuildText,
    guild_id: guildId,
    name: channel.name,
    position,
    permission_overwrites: [],
    nsfw: false,
    topic: null,
    parent_id: null,
    last_message_id: null,
    rate_limit_per_user: 0,
  };
}

export function readyPayload(args: {
  bot: DiscordUserSpec;
  applicationId: string;
  guildIds: string[];
  sessionId: string;
  resumeUrl: string;
}): GatewayReadyDispatchData {
  return {
    v: 10,
    user: { ...apiUser({ ...args.bot, bot: true }), verified: true, mfa_enabled: false },
    // Guilds start unavailable; a GUILD_CREATE for each follows, and discord.js waits for them.
    guilds: args.guildIds.map((id) => ({ id, unavailable: true })),
    session_id: args.sessionId,
    resume_gateway_url: args.resumeUrl,
    shard: [0, 1],
    application: { id: args.applicationId, flags: NO_FLAGS as ApplicationFlags, flags_new: '0' },
  };
}

export function guildCreatePayload(guild: DiscordGuildSpec, bot: DiscordUserSpec): GatewayGuildCreateDispatchData {
  const everyone: DiscordRoleSpec = { id: guild.id, name: '@everyone', permissions: '2248473465835073' };
  const roles = [everyone, ...(guild.roles ?? [])].map((r, i) => apiRole(r, i));
  const channels = defaultChannels(guild).map((c, i) => apiTextChannel(c, guild.id, i));
  const botMember: APIGuildMember = {
    user: apiUser({ ...bot, bot: true }),
    roles: [],
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: NO_FLAGS as GuildMemberFlags,
  };
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId ?? bot.id,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles,
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    premium_tier: GuildPremiumTier.None,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    stickers: [],
    premium_progress_bar_enabled: false,
    hub_type: GuildHubType.Default ?? null,
    safety_alerts_channel_id: null,
    incidents_data: null,
    region: 'loopback',
    joined_at: new Date(0).toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [botMember],
    channels,
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function defaultChannels(guild: DiscordGuildSpec): DiscordChannelSpec[] {
  return guild.channels ?? [{ id: `${guild.id}1`, name: 'netops' }];
}

/** Option builders for chat-input interactions (what the user typed). */
export const opt = {
  string: (name: string, value: string): APIApplicationCommandInteractionDataBasicOption => ({
    type: ApplicationCommandOptionType.String,
    name,
    value,
  }),
  integer: (name: string, value: number): APIApplicationCommandInteractionDataBasicOption => ({
    type: ApplicationCommandOptionType.Integer,
    name,
    value,
  }),
  boolean: (name: string, value: boolean): APIApplicationCommandInteractionDataBasicOption => ({
    type: ApplicationCommandOptionType.Boolean,
    name,
    value,
  }),
  /** `attachmentId` from DiscordStandIn.attachment(); pass that attachment in `attachments` too. */
  attachment: (name: string, attachmentId: string): APIApplicationCommandInteractionDataBasicOption => ({
    type: ApplicationCommandOptionType.Attachment,
    name,
    value: attachmentId,
  }),
  subcommand: (
    name: string,
    options: APIApplicationCommandInteractionDataSubcommandOption['options'] = [],
  ): APIApplicationCommandInteractionDataSubcommandOption => ({
    type: ApplicationCommandOptionType.Subcommand,
    name,
    options,
  }),
};

export interface InteractionContext {
  id: string;
  token: string;
  applicationId: string;
  commandId: string;
  commandName: string;
  options: APIApplicationCommandInteractionDataOption[];
  user: DiscordUserSpec;
  /** Guild interaction when set; a DM otherwise. */
  guild: { id: string; memberRoles: string[]; permissions: string } | undefined;
  channel: DiscordChannelSpec;
  attachments: APIAttachment[];
  locale: Locale;
}

export function chatInputInteraction(ctx: InteractionContext): APIChatInputApplicationCommandInteraction {
  const user = apiUser(ctx.user);
  const resolvedAttachments = Object.fromEntries(ctx.attachments.map((a) => [a.id, a]));
  const common = {
    id: ctx.id,
    application_id: ctx.applicationId,
    type: InteractionType.ApplicationCommand as const,
    data: {
      id: ctx.commandId,
      name: ctx.commandName,
      type: ApplicationCommandType.ChatInput as const,
      options: ctx.options,
      ...(ctx.attachments.length > 0 ? { resolved: { attachments: resolvedAttachments } } : {}),
      ...(ctx.guild ? { guild_id: ctx.guild.id } : {}),
    },
    token: ctx.token,
    version: 1 as const,
    app_permissions: '2248473465835073',
    locale: ctx.locale,
    entitlements: [],
    authorizing_integration_owners: ctx.guild ? { '0': ctx.guild.id } : { '1': ctx.user.id },
    attachment_size_limit: 10 * 1024 * 1024,
  };
  if (ctx.guild) {
    const member: APIInteractionGuildMember = {
      user,
      roles: ctx.guild.memberRoles,
      permissions: ctx.guild.permissions,
      joined_at: new Date(0).toISOString(),
      deaf: false,
      mute: false,
      flags: NO_FLAGS as GuildMemberFlags,
    };
    return {
      ...common,
      guild_id: ctx.guild.id,
      guild_locale: Locale.EnglishUS,
      guild: { id: ctx.guild.id, locale: Locale.EnglishUS, features: [] },
      channel: { ...apiTextChannel(ctx.channel, ctx.guild.id, 0) },
      channel_id: ctx.channel.id,
      member,
      context: InteractionContextType.Guild,
    };
  }
  return {
    ...common,
    channel: { id: ctx.channel.id, type: ChannelType.DM, recipients: [user], last_message_id: null },
    channel_id: ctx.channel.id,
    user,
    context: InteractionContextType.BotDM,
  };
}

/** A message object as REST returns it (for replies, edits, follow-ups, channel posts). */
export function messageObject(args: {
  id: string;
  channelId: string;
  author: DiscordUserSpec;
  body: Record<string, unknown>;
  attachments: APIAttachment[];
  webhookId?: string;
  applicationId?: string;
  type?: MessageType;
  flags?: number;
  editedAt?: string | null;
}): APIMessage {
  const body = args.body;
  return {
    id: args.id,
    channel_id: args.channelId,
    author: apiUser({ ...args.author, bot: true }),
    content: typeof body.content === 'string' ? body.content : '',
    timestamp: new Date().toISOString(),
    edited_timestamp: args.editedAt ?? null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: args.attachments,
    embeds: Array.isArray(body.embeds) ? (body.embeds as APIMessage['embeds']) : [],
    components: Array.isArray(body.components) ? (body.components as APIMessage['components']) : [],
    pinned: false,
    type: args.type ?? MessageType.Default,
    flags: args.flags ?? 0,
    ...(args.webhookId ? { webhook_id: args.webhookId } : {}),
    ...(args.applicationId ? { application_id: args.applicationId } : {}),
  };
}
