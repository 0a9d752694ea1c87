import { discordAccess, openAccessWarnings, slackAccess } from '../../../src/bot/shared/access';
import { scanCommand } from '../../../src/commands/scan';

const slackCaller = (userId: string, channelId: string) => ({ platform: 'slack' as const, userId, channelId });

describe('Slack access', () => {
  it('lets everyone scan when nothing is configured', () => {
    expect(slackAccess({ allowedUsers: null, allowedChannels: null })(scanCommand, slackCaller('U9', 'C9'))).toBeNull();
  });

  it('refuses a user who is not listed, saying which variable decides', () => {
    const check = slackAccess({ allowedUsers: ['U1'], allowedChannels: null });
    expect(check(scanCommand, slackCaller('U1', 'C1'))).toBeNull();
    expect(check(scanCommand, slackCaller('U2', 'C1'))).toContain('SLACK_ALLOWED_USERS');
  });

  it('refuses a channel that is not listed even for an allowed user', () => {
    const check = slackAccess({ allowedUsers: '*', allowedChannels: ['C1'] });
    expect(check(scanCommand, slackCaller('U2', 'C1'))).toBeNull();
    expect(check(scanCommand, slackCaller('U2', 'C2'))).toContain('SLACK_ALLOWED_CHANNELS');
  });
});

describe('Discord access', () => {
  const caller = (roles: string[], channelId = 'ch1') => ({ platform: 'discord' as const, userId: 'u', channelId, roles });

  it('needs one of the allowed roles', () => {
    const check = discordAccess({ allowedRoles: ['netops'], allowedChannels: null });
    expect(check(scanCommand, caller(['everyone', 'netops']))).toBeNull();
    expect(check(scanCommand, caller(['everyone']))).toContain('DISCORD_ALLOWED_ROLES');
    expect(check(scanCommand, { platform: 'discord', userId: 'u', channelId: 'dm' })).toContain('DISCORD_ALLOWED_ROLES');
  });

  it('limits the channels', () => {
    const check = discordAccess({ allowedRoles: '*', allowedChannels: ['ch1'] });
    expect(check(scanCommand, caller([], 'ch2'))).toContain('DISCORD_ALLOWED_CHANNELS');
  });
});

describe('open access warning', () => {
  it('warns when no list is set and not when one is', () => {
    expect(openAccessWarnings('Slack', { SLACK_ALLOWED_USERS: null, SLACK_ALLOWED_CHANNELS: null })[0]).toContain('everyone who can reach the bot may run scans');
    expect(openAccessWarnings('Slack', { SLACK_ALLOWED_USERS: ['U1'], SLACK_ALLOWED_CHANNELS: null })).toEqual([]);
  });
});
