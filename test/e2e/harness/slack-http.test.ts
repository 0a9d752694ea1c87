/**
 * Smoke test of the Slack harness with the real Bolt HTTP receiver: signed slash commands in,
 * Web API calls, respond() and files.uploadV2 out to the recording stand-in, all on 127.0.0.1.
 */
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { stopBoltApp } from '../../../lab/chat/slack-bolt';
import { RESPONSE_URL, startSlackApi, type SlackApiStandIn } from '../../../lab/chat/slack-api';
import { recordingSlackLogger } from '../../../lab/chat/slack-logger';
import { postSlashCommand } from '../../../lab/chat/slack-signing';

const SIGNING_SECRET = 'harness-signing-secret';
const BOT_TOKEN = 'xoxb-harness';
const CSV = 'ip,mac,vendor\n10.20.0.1,50:c7:bf:00:00:01,TP-Link\n';

/** Lets a test hold the handler after ack() until it has seen the HTTP response. */
class Gate {
  private release: () => void = () => undefined;
  readonly opened = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  open(): void {
    this.release();
  }
}

describe('Slack harness: Bolt HTTP receiver against the loopback Web API', () => {
  let slack: SlackApiStandIn;
  let app: App;
  let eventsUrl: string;
  const logger = recordingSlackLogger();
  const handled: string[] = [];
  let gate = new Gate();

  beforeAll(async () => {
    slack = await startSlackApi({ tokens: [BOT_TOKEN] });
    app = new App({
      token: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      logger,
      clientOptions: { slackApiUrl: slack.apiUrl },
    });
    app.command('/router-audit', async ({ ack, respond, client, command }) => {
      await ack();
      handled.push(command.text);
      await gate.opened;
      await respond({ response_type: 'ephemeral', text: `Working on: ${command.text}` });
      const posted = await client.chat.postMessage({
        channel: command.channel_id,
        text: 'router-audit report',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*3 hosts*, 1 TP-Link' } }],
      });
      await client.chat.update({ channel: command.channel_id, ts: String(posted.ts), text: 'router-audit report (done)' });
      await client.files.uploadV2({
        channel_id: command.channel_id,
        filename: 'hosts.csv',
        title: 'Hosts',
        content: CSV,
        initial_comment: 'Full host list',
      });
    });
    const server = await app.start({ port: 0, host: '127.0.0.1' });
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await stopBoltApp(app);
    await slack?.close();
  });

  beforeEach(() => {
    handled.length = 0;
    gate = new Gate();
  });

  it('verified the bot token with auth.test against the stand-in at startup', async () => {
    const authTest = await slack.nextCall('auth.test');
    expect(authTest.token).toBe(BOT_TOKEN);
  });

  it('acks a signed slash command before the handler does its work, then records every output', async () => {
    const responseUrl = slack.responseUrl('first');
    const res = await postSlashCommand({
      url: eventsUrl,
      signingSecret: SIGNING_SECRET,
      fields: { text: 'scan 10.20.0.0/24', channel_id: 'C0NETOPS', response_url: responseUrl },
      // If Bolt held the response until the handler finished, the gate would never open: fail fast.
      timeoutMs: 5000,
    });
    expect(res.status).toBe(200);
    expect(res.ackMs).toBeGreaterThan(0);
    // The ack reached us while the handler was still parked behind the gate: no output yet.
    expect(handled).toEqual(['scan 10.20.0.0/24']);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(0);
    gate.open();

    const reply = await slack.nextCall(RESPONSE_URL);
    expect(reply.pathId).toBe('first');
    expect(reply.args).toMatchObject({ response_type: 'ephemeral', text: 'Working on: scan 10.20.0.0/24' });

    const post = await slack.nextCall('chat.postMessage');
    expect(post.token).toBe(BOT_TOKEN);
    expect(post.args.channel).toBe('C0NETOPS');
    // Blocks arrive JSON-encoded in the form; the stand-in decodes them.
    expect(post.args.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*3 hosts*, 1 TP-Link' } }]);

    const update = await slack.nextCall('chat.update');
    expect(update.args.ts).toBe((post.response as { ts: string }).ts);
    const [message] = slack.messages('C0NETOPS');
    expect(message?.versions).toHaveLength(2);
    expect(message?.text).toBe('router-audit report (done)');

    await slack.nextCall('files.completeUploadExternal');
    const [upload] = slack.uploads();
    expect(upload).toMatchObject({ filename: 'hosts.csv', title: 'Hosts', channelId: 'C0NETOPS', completed: true });
    expect(upload?.initialComment).toBe('Full host list');
    expect(upload?.bytes?.toString('utf8')).toBe(CSV);
    expect(upload?.declaredLength).toBe(Buffer.byteLength(CSV));
  });

  it('rejects a request signed with the wrong secret with 401 and never runs the handler', async () => {
    const before = slack.calls.count();
    const res = await postSlashCommand({
      url: eventsUrl,
      signingSecret: SIGNING_SECRET,
      signWith: 'someone-elses-secret',
      fields: { text: 'scan 10.20.0.0/24', response_url: slack.responseUrl() },
    });
    expect(res.status).toBe(401);
    // Bolt decides before it dispatches: by the time the 401 is out, a handler would have started.
    expect(handled).toEqual([]);
    expect(slack.calls.count()).toBe(before);
    expect(logger.matching(/signature mismatch/i).length).toBeGreaterThan(0);
  });

  it('rejects a correctly signed but 10-minute-old request with 401 and never runs the handler', async () => {
    const res = await postSlashCommand({
      url: eventsUrl,
      signingSecret: SIGNING_SECRET,
      ageSec: 600,
      fields: { text: 'scan 10.20.0.0/24', response_url: slack.responseUrl() },
    });
    expect(res.status).toBe(401);
    expect(handled).toEqual([]);
    expect(logger.matching(/stale/i).length).toBeGreaterThan(0);
  });

  it('rejects an unsigned request with 401', async () => {
    const res = await postSlashCommand({ url: eventsUrl, signingSecret: SIGNING_SECRET, unsigned: true });
    expect(res.status).toBe(401);
    expect(handled).toEqual([]);
  });
});
