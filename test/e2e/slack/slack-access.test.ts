/**
 * Access control from SLACK_ALLOWED_USERS / SLACK_ALLOWED_CHANNELS, end to end: refusals are
 * private and say why, nothing is scanned, help and advice stay open to everyone.
 */
import { RESPONSE_URL } from '../../../lab/chat/slack-api';
import { syntheticScan } from '../../unit/bot/slack/synthetic-scan';
import { atResponseUrl, expectWithinLimits, headerOf, inChannel, textsOf } from './assertions';
import { startBot, type RunningBot } from './bot';
import { fixedRunner } from './runners';

describe('Slack access control', () => {
  let bot: RunningBot;
  const runner = fixedRunner(syntheticScan(2, 1));

  beforeAll(async () => {
    bot = await startBot({ runner, env: { SLACK_ALLOWED_USERS: 'U0ALLOWED, U0OTHER', SLACK_ALLOWED_CHANNELS: 'C0OPS' } });
  });

  afterAll(async () => {
    await bot?.close();
  });

  it('refuses a scan by someone not on the user list, privately and with the reason', async () => {
    await bot.command('scan 10.20.0.0/24', { user_id: 'U0STRANGER', channel_id: 'C0OPS', id: 'stranger' });
    const reply = await bot.slack.nextCall(RESPONSE_URL, { where: atResponseUrl('stranger') });
    expect(reply.args.response_type).toBe('ephemeral');
    expectWithinLimits(reply);
    expect(headerOf(reply)).toContain('Not allowed');
    expect(textsOf(reply).join('\n')).toContain('SLACK_ALLOWED_USERS');
    expect(runner.jobs).toEqual([]);
    expect(bot.slack.callsTo('chat.postMessage').filter(inChannel('C0OPS'))).toEqual([]);
  });

  it('refuses a scan by an allowed user in a channel not on the list', async () => {
    await bot.command('scan 10.20.0.0/24', { user_id: 'U0ALLOWED', channel_id: 'C0RANDOM', id: 'channel' });
    const reply = await bot.slack.nextCall(RESPONSE_URL, { where: atResponseUrl('channel') });
    expect(reply.args.response_type).toBe('ephemeral');
    expect(textsOf(reply).join('\n')).toContain('SLACK_ALLOWED_CHANNELS');
    expect(runner.jobs).toEqual([]);
  });

  it('refuses the bare /router-audit (the full audit) the same way', async () => {
    await bot.command('', { user_id: 'U0STRANGER', channel_id: 'C0OPS', id: 'bare' });
    const reply = await bot.slack.nextCall(RESPONSE_URL, { where: atResponseUrl('bare') });
    expect(textsOf(reply).join('\n')).toContain('SLACK_ALLOWED_USERS');
    expect(runner.jobs).toEqual([]);
  });

  it('answers help and advice for everyone, anywhere', async () => {
    await bot.command('help', { user_id: 'U0STRANGER', channel_id: 'C0RANDOM' });
    expect(headerOf(await bot.slack.nextCall('chat.postMessage', { where: inChannel('C0RANDOM') }))).toBe('router-audit');
    await bot.command('advice identity-mfa', { user_id: 'U0STRANGER', channel_id: 'C0ELSEWHERE' });
    const advice = await bot.slack.nextCall('chat.postMessage', { where: inChannel('C0ELSEWHERE') });
    expectWithinLimits(advice);
  });

  it('runs the scan for an allowed user in an allowed channel', async () => {
    await bot.command('scan 10.20.0.0/24', { user_id: 'U0OTHER', channel_id: 'C0OPS' });
    const report = await bot.slack.nextCall('chat.update', { where: (c) => inChannel('C0OPS')(c) && headerOf(c) !== undefined });
    expect(headerOf(report)).toContain('Scan of 10.20.0.0/24');
    expect(runner.jobs).toHaveLength(1);
  });

  it('did not warn about open access at startup', async () => {
    expect(await bot.logText()).not.toContain('may run scans');
  });
});
