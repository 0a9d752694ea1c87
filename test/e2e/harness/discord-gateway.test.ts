/**
 * Gateway and REST edge cases of the Discord stand-in, seen through a real discord.js Client:
 * a wrong token is refused at login, and a session closed with a resumable code is resumed
 * (RESUME → RESUMED) on the resume_gateway_url, after which interactions still arrive.
 */
import { once } from 'node:events';
import { Client, DiscordjsErrorCodes, Events, GatewayIntentBits, GatewayOpcodes } from 'discord.js';
import { CallLog } from '../../../lab/chat/call-log';
import { startDiscord, opt, type DiscordStandIn } from '../../../lab/chat/discord';

describe('Discord harness: login failures and resume', () => {
  let discord: DiscordStandIn;
  const clients: Client[] = [];

  beforeAll(async () => {
    discord = await startDiscord({ heartbeatIntervalMs: 1000 });
  });

  afterAll(async () => {
    for (const client of clients) await client.destroy();
    await discord?.close();
  });

  function newClient(): Client {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
    clients.push(client);
    return client;
  }

  it('refuses a wrong token: GET /gateway/bot answers 401 and login rejects with TokenInvalid', async () => {
    const client = newClient();
    await expect(client.login('not-the-token')).rejects.toMatchObject({ code: DiscordjsErrorCodes.TokenInvalid });
    const [call] = discord.rest.callsTo('getGatewayBot');
    expect(call?.status).toBe(401);
    expect(discord.gateway.connections.count()).toBe(0);
  });

  it('resumes a session closed with 4000 and keeps delivering interactions', async () => {
    const client = newClient();
    const handled = new CallLog<string>('handled', (s) => s);
    client.on(Events.InteractionCreate, (interaction) => {
      if (interaction.isChatInputCommand()) {
        void interaction.reply('ok').finally(() => handled.push(interaction.options.getSubcommand()));
      }
    });
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;
    const identify = await discord.gateway.waitForIdentify();

    discord.gateway.closeConnections(4000, 'Unknown error');
    const resume = await discord.gateway.received.next((f) => f.op === GatewayOpcodes.Resume, 'RESUME', { timeoutMs: 10_000 });
    expect(resume.connectionId).toBeGreaterThan(identify.connectionId);
    expect(resume.d).toMatchObject({ token: discord.token });
    await discord.gateway.sent.next((f) => f.t === 'RESUMED', 'RESUMED');
    // No second IDENTIFY: the session was resumed, not restarted.
    expect(discord.gateway.received.count((f) => f.op === GatewayOpcodes.Identify)).toBe(1);

    const ix = discord.dispatchInteraction({ options: [opt.subcommand('help')] });
    await ix.callback();
    await expect(handled.next((s) => s === 'help', 'help handled')).resolves.toBe('help');
  });
});
