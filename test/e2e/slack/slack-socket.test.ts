/**
 * The Slack adapter in Socket Mode (SLACK_APP_TOKEN set): it connects through
 * apps.connections.open to the loopback socket server, acks a pushed slash command over the
 * socket, answers through the Web API, and closes the socket on stop().
 */
import { syntheticScan } from '../../unit/bot/slack/synthetic-scan';
import { startSlackSocketMode, type SlackSocketStandIn } from '../../../lab/chat/slack-socket';
import { RESPONSE_URL } from '../../../lab/chat/slack-api';
import { atResponseUrl, expectWithinLimits, headerOf, inChannel, textsOf } from './assertions';
import { APP_TOKEN, startBot, type RunningBot } from './bot';
import { fixedRunner } from './runners';

describe('Slack in Socket Mode', () => {
  let socket: SlackSocketStandIn;
  let bot: RunningBot;
  const runner = fixedRunner(syntheticScan(3, 1));

  beforeAll(async () => {
    socket = await startSlackSocketMode();
    bot = await startBot({ runner, socket });
  });

  afterAll(async () => {
    await bot?.close();
    await socket?.close();
  });

  it('connected with the app-level token and opened no HTTP port', async () => {
    const open = await bot.slack.nextCall('apps.connections.open');
    expect(open.token).toBe(APP_TOKEN);
    await socket.waitForConnection();
    expect(socket.openConnections).toBe(1);
    expect(bot.adapter.address()).toBeNull();
  });

  it('acks a slash command on the socket and posts the help', async () => {
    const pushed = socket.pushSlashCommand({ text: 'help', channel_id: 'C0SOCK', response_url: bot.slack.responseUrl() });
    const ack = await pushed.ack();
    expect(ack.payload).toEqual({});
    const post = await bot.slack.nextCall('chat.postMessage', { where: inChannel('C0SOCK') });
    expectWithinLimits(post);
    expect(headerOf(post)).toBe('router-audit');
  });

  it('runs a scan: progress message, then the report in its place', async () => {
    socket.pushSlashCommand({ text: 'scan 10.20.0.0/24', channel_id: 'C0SOCKSCAN', response_url: bot.slack.responseUrl() });
    const final = await bot.slack.nextCall('chat.update', { where: (c) => inChannel('C0SOCKSCAN')(c) && headerOf(c) !== undefined });
    expectWithinLimits(final);
    expect(textsOf(final).join('\n')).toContain('CRITICAL');
    expect(bot.slack.messages('C0SOCKSCAN')).toHaveLength(1);
  });

  it('answers a usage error privately through the response_url', async () => {
    socket.pushSlashCommand({ text: 'scna', channel_id: 'C0SOCK', response_url: bot.slack.responseUrl('typo') });
    const reply = await bot.slack.nextCall(RESPONSE_URL, { where: atResponseUrl('typo') });
    expect(reply.args.response_type).toBe('ephemeral');
    expect(textsOf(reply).join('\n')).toMatch(/scan/);
  });

  it('closes the socket on stop()', async () => {
    await bot.adapter.stop();
    // The server sees the close a moment after the client has finished it: wait (bounded) for that.
    const deadline = Date.now() + 5000;
    while (socket.openConnections > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(socket.openConnections).toBe(0);
    // Stopped means stopped: a command pushed now reaches nobody (no connection to push to).
    expect(() => socket.pushSlashCommand({ text: 'help' })).toThrow(/no client connected/);
  });
});
