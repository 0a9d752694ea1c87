/**
 * Smoke test of the Discord stand-in with a real discord.js Client: login through GET /gateway/bot,
 * HELLO / IDENTIFY / READY / GUILD_CREATE and heartbeats on the loopback gateway; an
 * INTERACTION_CREATE answered with deferReply() + editReply({ embeds, files }); follow-ups, channel
 * posts, command registration, rate limits and Discord's limits, all recorded by the stand-in.
 */
import { once } from 'node:events';
import {
  AttachmentBuilder,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionResponseType,
  MessageFlags,
  REST,
  Routes,
  type ChatInputCommandInteraction,
  type TextChannel,
} from 'discord.js';
import { CallLog } from '../../../lab/chat/call-log';
import { startDiscord, opt, type DiscordStandIn } from '../../../lab/chat/discord';

const GUILD = '400000000000000042';
const CHANNEL = '500000000000000042';
const ROLE_NETADMIN = '600000000000000001';
const ROLE_NEW = '600000000000000002';
const CSV = 'ip,mac,vendor\n10.20.0.1,50:c7:bf:00:00:01,TP-Link\n';
const LOG = 'Jan 1 00:00:01 host sshd[1]: Failed password for root from 10.20.0.9\n';

interface Seen {
  subcommand: string | null;
  target: string | null;
  roles: string[];
  channelId: string;
  guildId: string | null;
  attachmentText: string | undefined;
}

describe('Discord harness: discord.js Client against the loopback REST + gateway', () => {
  let discord: DiscordStandIn;
  let client: Client;
  const seen: Seen[] = [];
  /** What the handler does with the interaction; each test sets it. */
  let reply: (interaction: ChatInputCommandInteraction) => Promise<void> = async () => undefined;
  const handlerErrors: unknown[] = [];
  /** Interaction ids whose handler has finished (or failed). */
  const finished = new CallLog<string>('handlers', (id) => id);

  beforeAll(async () => {
    discord = await startDiscord({
      heartbeatIntervalMs: 200,
      guilds: [{ id: GUILD, name: 'Lab', roles: [{ id: ROLE_NETADMIN, name: 'netadmin' }], channels: [{ id: CHANNEL, name: 'netops' }] }],
    });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
    client.on(Events.InteractionCreate, (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      void (async () => {
        const attachment = interaction.options.getAttachment('log');
        seen.push({
          subcommand: interaction.options.getSubcommand(false),
          target: interaction.options.getString('target'),
          roles: interaction.inCachedGuild() ? [...interaction.member.roles.cache.keys()].sort() : [],
          channelId: interaction.channelId,
          guildId: interaction.guildId,
          attachmentText: attachment ? await (await fetch(attachment.url)).text() : undefined,
        });
        await reply(interaction);
      })()
        .catch((error: unknown) => handlerErrors.push(error))
        .finally(() => finished.push(interaction.id));
    });
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await discord?.close();
  });

  beforeEach(() => {
    seen.length = 0;
    handlerErrors.length = 0;
  });

  it('logged in over JSON without compression and became ready with the configured guild', async () => {
    const [connection] = discord.gateway.connections.all();
    expect(connection?.query).toEqual({ v: '10', encoding: 'json' });
    const identify = await discord.gateway.waitForIdentify();
    expect(identify.d).toMatchObject({ token: discord.token, intents: GatewayIntentBits.Guilds, shard: [0, 1] });
    const [gatewayBot] = discord.rest.callsTo('getGatewayBot');
    expect(gatewayBot?.authorization).toBe(`Bot ${discord.token}`);
    expect(client.user?.id).toBe(discord.bot.id);
    expect(client.application?.id).toBe(discord.applicationId);
    const guild = client.guilds.cache.get(GUILD);
    expect(guild?.available).toBe(true);
    expect(guild?.roles.cache.has(ROLE_NETADMIN)).toBe(true);
    expect(guild?.channels.cache.get(CHANNEL)?.name).toBe('netops');
  });

  it('answers heartbeats with HEARTBEAT_ACK so the connection stays up', async () => {
    await discord.gateway.waitForHeartbeat();
    await discord.gateway.waitForHeartbeat();
    expect(discord.gateway.sent.count((f) => f.op === GatewayOpcodes.HeartbeatAck)).toBeGreaterThanOrEqual(2);
    expect(discord.gateway.connections.count()).toBe(1);
    expect(client.ws.ping).toBeGreaterThanOrEqual(0);
  });

  it('delivers an INTERACTION_CREATE and records deferReply() then editReply() with embeds and file bytes', async () => {
    reply = async (interaction) => {
      await interaction.deferReply();
      await interaction.editReply({
        embeds: [
          new EmbedBuilder()
            .setTitle('router-audit: 10.20.0.0/24')
            .setDescription('3 hosts, 1 TP-Link')
            .addFields({ name: 'critical', value: 'Quad7 xlogin on 10.20.0.1:7777' }),
        ],
        files: [new AttachmentBuilder(Buffer.from(CSV), { name: 'hosts.csv' })],
      });
    };
    const log = discord.attachment({ filename: 'auth.log', content: LOG });
    const ix = discord.dispatchInteraction({
      options: [opt.subcommand('scan', [opt.string('target', '10.20.0.0/24'), opt.attachment('log', log.id)])],
      memberRoles: [ROLE_NETADMIN, ROLE_NEW],
      channelId: CHANNEL,
      attachments: [log],
    });

    const defer = await ix.callback();
    expect(defer.body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: 0 } });
    expect(defer.status).toBe(204);
    // Interaction callbacks carry no bot token: the interaction token in the URL is the credential.
    expect(defer.authorization).toBeUndefined();

    const edit = await ix.nextEdit();
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({
      embeds: [
        {
          title: 'router-audit: 10.20.0.0/24',
          description: '3 hosts, 1 TP-Link',
          fields: [{ name: 'critical', value: 'Quad7 xlogin on 10.20.0.1:7777' }],
        },
      ],
      attachments: [{ id: '0' }],
    });
    expect(edit.files).toHaveLength(1);
    expect(edit.files[0]?.field).toBe('files[0]');
    expect(edit.files[0]?.filename).toBe('hosts.csv');
    expect(edit.files[0]?.bytes.toString('utf8')).toBe(CSV);

    const original = ix.state().original;
    expect(original?.embeds[0]?.title).toBe('router-audit: 10.20.0.0/24');
    expect(original?.attachments.map((a) => a.filename)).toEqual(['hosts.csv']);
    expect((original?.flags ?? 0) & MessageFlags.Loading).toBe(0);

    expect(handlerErrors).toEqual([]);
    expect(seen).toEqual([
      {
        subcommand: 'scan',
        target: '10.20.0.0/24',
        roles: [GUILD, ROLE_NETADMIN, ROLE_NEW].sort(),
        channelId: CHANNEL,
        guildId: GUILD,
        attachmentText: LOG,
      },
    ]);
  });

  it('records ephemeral replies and follow-ups, and refuses a second acknowledgement', async () => {
    let secondAck: unknown;
    reply = async (interaction) => {
      await interaction.reply({ content: 'Not allowed here.', flags: MessageFlags.Ephemeral });
      await interaction.followUp({ content: 'See /router-audit help' });
      // Bypass discord.js's own "already replied" guard to see what Discord would say.
      secondAck = await interaction.client.rest
        .post(Routes.interactionCallback(interaction.id, interaction.token), {
          body: { type: InteractionResponseType.DeferredChannelMessageWithSource },
          auth: false,
        })
        .catch((e: unknown) => e);
    };
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('help')], guildId: null });
    const callback = await ix.callback();
    expect(callback.body).toMatchObject({ type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'Not allowed here.', flags: MessageFlags.Ephemeral } });
    const followup = await ix.nextFollowup();
    expect(followup.body).toMatchObject({ content: 'See /router-audit help' });
    await finished.next((id) => id === ix.id, 'handler');
    expect(secondAck).toBeInstanceOf(DiscordAPIError);
    expect((secondAck as DiscordAPIError).code).toBe(40060);
    expect(ix.state().followups).toHaveLength(1);
    expect(seen[0]?.guildId).toBeNull();
    expect(handlerErrors).toEqual([]);
  });

  it('retries an edit answered with 429 and Retry-After', async () => {
    discord.rest.rateLimit('editWebhookMessage', 1);
    reply = async (interaction) => {
      await interaction.deferReply();
      await interaction.editReply({ content: 'done' });
    };
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('advice')] });
    const first = await ix.nextEdit();
    const second = await ix.nextEdit({ timeoutMs: 10_000 });
    expect([first.status, second.status]).toEqual([429, 200]);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1000);
    expect(ix.state().original?.content).toBe('done');
    expect(handlerErrors).toEqual([]);
  });

  it("rejects a reply over Discord's limits with Invalid Form Body, as Discord does", async () => {
    reply = async (interaction) => {
      await interaction.deferReply();
      const tooMany = Array.from({ length: 11 }, (_, i) => ({ title: `part ${i}` }));
      await interaction.editReply({ embeds: tooMany });
    };
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('scan', [opt.string('target', '10.20.0.0/16')])] });
    const edit = await ix.nextEdit();
    expect(edit.status).toBe(400);
    expect(edit.response).toMatchObject({ code: 50035, errors: { embeds: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } } });
    // The handler saw discord.js's own error type with Discord's code.
    await finished.next((id) => id === ix.id, 'handler');
    expect(handlerErrors[0]).toBeInstanceOf(DiscordAPIError);
    expect((handlerErrors[0] as DiscordAPIError).code).toBe(50035);
  });

  it('records channel posts with files, and answers Unknown Channel once a channel is removed', async () => {
    const channel = client.channels.cache.get(CHANNEL) as TextChannel;
    await channel.send({ content: 'Daily digest: no change', files: [new AttachmentBuilder(Buffer.from(CSV), { name: 'diff.csv' })] });
    const post = await discord.rest.nextCall('createChannelMessage');
    expect(post.authorization).toBe(`Bot ${discord.token}`);
    expect(post.body).toMatchObject({ content: 'Daily digest: no change' });
    expect(post.files[0]?.bytes.toString('utf8')).toBe(CSV);
    expect(discord.channelMessages(CHANNEL).map((m) => m.content)).toEqual(['Daily digest: no change']);

    discord.removeChannel(CHANNEL);
    await expect(channel.send('again')).rejects.toMatchObject({ code: 10003 });
  });

  it('records command registration and uses the registered id in later interactions', async () => {
    const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
    await rest.put(Routes.applicationGuildCommands(discord.applicationId, GUILD), {
      body: [{ name: 'router-audit', description: 'Audit the LAN', options: [] }],
    });
    const [registered] = discord.registeredCommands(GUILD);
    expect(registered).toMatchObject({ name: 'router-audit', guild_id: GUILD, application_id: discord.applicationId });
    reply = async (interaction) => {
      await interaction.reply('ok');
    };
    const ix = discord.dispatchInteraction({ options: [opt.subcommand('help')] });
    expect(ix.payload.data.id).toBe(registered?.id);
    await ix.callback();
  });
});
