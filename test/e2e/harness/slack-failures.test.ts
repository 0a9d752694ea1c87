/**
 * The Slack stand-in's failure injection, seen through the real @slack/web-api client: a 429 with
 * Retry-After is waited out and retried; a platform error reaches the caller as an error code.
 */
import { webApi } from '@slack/bolt';
import { startSlackApi, type SlackApiStandIn } from '../../../lab/chat/slack-api';
import { recordingSlackLogger } from '../../../lab/chat/slack-logger';

const { ErrorCode, WebClient } = webApi;
const BOT_TOKEN = 'xoxb-failures';

describe('Slack harness: failure injection through the real Web API client', () => {
  let slack: SlackApiStandIn;
  const logger = recordingSlackLogger();
  let client: webApi.WebClient;

  beforeAll(async () => {
    slack = await startSlackApi({ tokens: [BOT_TOKEN] });
    // Default retry policy, as the adapters will use it.
    client = new WebClient(BOT_TOKEN, { slackApiUrl: slack.apiUrl, logger });
  });

  afterAll(async () => {
    await slack?.close();
  });

  it('retries a call answered once with 429 and Retry-After, after the advertised wait', async () => {
    slack.rateLimit('chat.postMessage', 1);
    const result = await client.chat.postMessage({ channel: 'C0RATE', text: 'report' });
    expect(result.ok).toBe(true);
    const attempts = slack.callsTo('chat.postMessage');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    const [first, second] = attempts;
    // The client honoured Retry-After: 1 (seconds) before trying again.
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(logger.matching(/rate limit/i).length).toBeGreaterThan(0);
    expect(slack.messages('C0RATE')).toHaveLength(1);
  });

  it('hands a platform error such as channel_not_found to the caller without retrying', async () => {
    slack.failWith('chat.postMessage', 'channel_not_found', { when: (c) => c.args.channel === 'C0GONE' });
    const error = await client.chat.postMessage({ channel: 'C0GONE', text: 'x' }).then(
      () => undefined,
      (e: unknown) => e as webApi.WebAPIPlatformError,
    );
    expect(error?.code).toBe(ErrorCode.PlatformError);
    expect(error?.data.error).toBe('channel_not_found');
    expect(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0GONE')).toHaveLength(1);
  });

  it('answers channel_not_found for a removed channel until further notice', async () => {
    slack.removeChannel('C0ARCHIVED');
    await expect(client.conversations.info({ channel: 'C0ARCHIVED' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    await expect(client.chat.postMessage({ channel: 'C0ARCHIVED', text: 'digest' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    const info = await client.conversations.info({ channel: 'C0OTHER' });
    expect(info.channel?.id).toBe('C0OTHER');
  });

  it('rejects an unknown token with invalid_auth and a missing one with not_authed', async () => {
    const stranger = new WebClient('xoxb-stranger', { slackApiUrl: slack.apiUrl, logger, retryConfig: { retries: 0 } });
    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    const anonymous = new WebClient(undefined, { slackApiUrl: slack.apiUrl, logger, retryConfig: { retries: 0 } });
    await expect(anonymous.auth.test()).rejects.toMatchObject({ data: { error: 'not_authed' } });
  });

  it("refuses blocks over Slack's limits with invalid_blocks, as Slack does, and takes them at the limit", async () => {
    const section = { type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3000) } };
    const atLimit = await client.chat.postMessage({ channel: 'C0BIG', text: 'big', blocks: Array.from({ length: 50 }, () => section) });
    expect(atLimit.ok).toBe(true);
    await expect(
      client.chat.postMessage({ channel: 'C0BIG', text: 'too big', blocks: Array.from({ length: 51 }, () => section) }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
    expect(slack.messages('C0BIG')).toHaveLength(1);
  });
});
