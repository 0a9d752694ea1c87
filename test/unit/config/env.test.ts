import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, ENV_VARIABLES, loadConfig, secretsOf } from '../../../src/config/env';

describe('configuration from the environment', () => {
  it('runs with nothing set: terminal only, private ranges, default limits', () => {
    const config = loadConfig({});
    expect(config.slack).toBeNull();
    expect(config.discord).toBeNull();
    expect(config.scan.allow.map((n) => n.spec)).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
    expect(config.scan.maxHosts).toBe(1024);
    expect(config.spray.maxUploadBytes).toBe(200 * 1024 * 1024);
  });

  it('turns Slack on with token and signing secret and reads the access lists', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_ALLOWED_USERS: 'U1, U2', SLACK_ALLOWED_CHANNELS: '*' });
    expect(config.slack).toMatchObject({ port: 3000, allowedUsers: ['U1', 'U2'], allowedChannels: '*' });
  });

  it('names the variable of a bad number', () => {
    expect(() => loadConfig({ SCAN_MAX_HOSTS: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ SCAN_MAX_HOSTS: 'lots' })).toThrow(/SCAN_MAX_HOSTS: must be a positive whole number, got "lots"/);
  });

  it('names a malformed SCAN_ALLOW entry', () => {
    expect(() => loadConfig({ SCAN_ALLOW: '10.0.0.0/8,10.300.0.0/16' })).toThrow(/SCAN_ALLOW: "10\.300\.0\.0\/16" is not an IPv4 network/);
  });

  it('refuses half a Slack configuration instead of silently skipping Slack', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/set both/);
  });

  it('rejects a SLACK_API_URL that is not a URL', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 'y', SLACK_API_URL: 'not a url' })).toThrow(/SLACK_API_URL/);
  });

  it('lists the secrets for the log scrubber', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-123456789', SLACK_SIGNING_SECRET: 'abcdef123456', DISCORD_TOKEN: 'discord-token-value' });
    expect(secretsOf(config)).toEqual(['xoxb-123456789', 'abcdef123456', 'discord-token-value']);
  });
});

describe('.env.example', () => {
  it('documents every variable the bot reads, and nothing it does not', () => {
    const text = readFileSync(path.join(__dirname, '..', '..', '..', '.env.example'), 'utf8');
    const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...ENV_VARIABLES].sort());
  });

  it('accepts a namespace name for SCAN_NETNS and rejects anything else', () => {
    expect(loadConfig({ SCAN_NETNS: 'lab-scan' }).scan.netns).toBe('lab-scan');
    expect(() => loadConfig({ SCAN_NETNS: 'a b; rm' })).toThrow(/SCAN_NETNS/);
  });
});

describe('SITE_PUBLIC_IPS', () => {
  it('takes IP addresses and names the one that is not', () => {
    expect(loadConfig({ SITE_PUBLIC_IPS: '198.51.100.20, 2001:db8::1' }).spray.siteAddresses).toEqual(['198.51.100.20', '2001:db8::1']);
    expect(() => loadConfig({ SITE_PUBLIC_IPS: '198.51.100.20,office' })).toThrow(/SITE_PUBLIC_IPS: .*not an address: office/);
  });
});
