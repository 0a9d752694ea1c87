/**
 * Smoke test of the Socket Mode stand-in with real Bolt in Socket Mode: the app opens its
 * connection through apps.connections.open on the Web API stand-in, a pushed slash command is
 * acked over the socket and handled, and a `disconnect` makes it reconnect.
 */
import { App } from '@slack/bolt';
import { RESPONSE_URL, startSlackApi, type SlackApiStandIn } from '../../../lab/chat/slack-api';
import { stopBoltApp } from '../../../lab/chat/slack-bolt';
import { recordingSlackLogger } from '../../../lab/chat/slack-logger';
import { startSlackSocketMode, type SlackSocketStandIn } from '../../../lab/chat/slack-socket';

const BOT_TOKEN = 'xoxb-socket-harness';
const APP_TOKEN = 'xapp-socket-harness';

describe('Slack harness: Bolt in Socket Mode against the loopback socket server', () => {
  let socket: SlackSocketStandIn;
  let slack: SlackApiStandIn;
  let app: App;
  const handled: string[] = [];

  beforeAll(async () => {
    socket = await startSlackSocketMode();
    slack = await startSlackApi({ tokens: [BOT_TOKEN, APP_TOKEN], socketModeUrl: socket.url });
    app = new App({
      token: BOT_TOKEN,
      appToken: APP_TOKEN,
      socketMode: true,
      logger: recordingSlackLogger(),
      clientOptions: { slackApiUrl: slack.apiUrl },
    });
    app.command('/router-audit', async ({ ack, respond, command }) => {
      await ack();
      handled.push(command.text);
      await respond({ text: `help for ${command.user_id}` });
    });
    await app.start();
  });

  afterAll(async () => {
    await stopBoltApp(app);
    await socket?.close();
    await slack?.close();
  });

  it('connected with the app-level token through apps.connections.open', async () => {
    const open = await slack.nextCall('apps.connections.open');
    expect(open.token).toBe(APP_TOKEN);
    const connection = await socket.waitForConnection();
    expect(connection.path).toMatch(/ticket=1$/);
    expect(socket.openConnections).toBe(1);
  });

  it('acks a pushed slash command on the socket and runs the handler', async () => {
    const pushed = socket.pushSlashCommand({ text: 'help', user_id: 'U0ALICE', response_url: slack.responseUrl('sock') });
    const ack = await pushed.ack();
    expect(ack.envelopeId).toBe(pushed.envelopeId);
    expect(ack.payload).toEqual({});
    const reply = await slack.nextCall(RESPONSE_URL, { where: (c) => c.pathId === 'sock' });
    expect(reply.args).toEqual({ text: 'help for U0ALICE' });
    expect(handled).toEqual(['help']);
    expect(socket.strayMessages.count()).toBe(0);
  });

  it('reconnects through apps.connections.open when the server sends disconnect', async () => {
    socket.sendDisconnect();
    const second = await socket.waitForConnection({ timeoutMs: 15_000 });
    expect(second.path).toMatch(/ticket=2$/);
    const pushed = socket.pushSlashCommand({ text: 'advice', response_url: slack.responseUrl() });
    await pushed.ack({ timeoutMs: 5000 });
    expect(handled).toContain('advice');
  });
});
