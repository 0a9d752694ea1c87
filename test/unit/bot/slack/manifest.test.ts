import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../../../src/paths';
import { commands } from '../../../../src/commands/registry';
import { offeredOn, type CommandSpec } from '../../../../src/commands/types';
import {
  MANIFEST_FILE,
  buildManifest,
  manifestYaml,
  slashCommandDescription,
  slashCommandUsageHint,
} from '../../../../src/bot/slack/manifest';

const REGENERATE = 'run `npm run build && node dist/src/bot/slack/write-manifest.js` and commit slack-manifest.yml';

describe('slack-manifest.yml', () => {
  const file = parse(readFileSync(path.join(PROJECT_ROOT, MANIFEST_FILE), 'utf8')) as ReturnType<typeof buildManifest>;

  it(`matches what the command registry generates (if not: ${REGENERATE})`, () => {
    const generated = buildManifest();
    const slash = (m: Record<string, unknown>) => (m.features as { slash_commands: Array<Record<string, unknown>> }).slash_commands[0];
    // The two fields that drift first, compared on their own for a readable failure…
    expect(slash(file)?.description).toBe(slash(generated)?.description);
    expect(slash(file)?.usage_hint).toBe(slash(generated)?.usage_hint);
    // …then everything else.
    expect(file).toEqual(generated);
  });

  it('round-trips: the generated text parses back to the generated manifest', () => {
    expect(parse(manifestYaml())).toEqual(buildManifest());
  });

  it('declares the slash command, the scopes the adapter uses, and Socket Mode', () => {
    const manifest = file as {
      features: { slash_commands: Array<{ command: string; description: string; usage_hint: string }> };
      oauth_config: { scopes: { bot: string[] } };
      settings: { socket_mode_enabled: boolean };
      display_information: { description: string };
    };
    const [slash] = manifest.features.slash_commands;
    expect(slash?.command).toBe('/router-audit');
    expect(slash?.description.length).toBeLessThanOrEqual(2000);
    expect(slash?.usage_hint.length).toBeLessThanOrEqual(1000);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['commands', 'chat:write', 'files:write']));
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('subscribes to the message events and has the scopes the file-reply flow needs, each explained', () => {
    const manifest = file as unknown as { oauth_config: { scopes: { bot: string[] } }; settings: { event_subscriptions?: { bot_events: string[]; request_url?: string } } };
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['files:read', 'channels:history', 'groups:history', 'im:history', 'channels:join']));
    expect(manifest.settings.event_subscriptions?.bot_events).toEqual(['message.channels', 'message.groups', 'message.im']);
    // Socket Mode: no request URL; the header says where it goes in HTTP mode.
    expect(manifest.settings.event_subscriptions?.request_url).toBeUndefined();
    const text = readFileSync(path.join(PROJECT_ROOT, MANIFEST_FILE), 'utf8');
    expect(text).toContain('same address as request_url under settings.event_subscriptions');
    for (const scope of manifest.oauth_config.scopes.bot) expect(text).toMatch(new RegExp(`^#   ${scope.replace('.', '\\.')}: \\S`, 'm'));
    for (const event of manifest.settings.event_subscriptions?.bot_events ?? []) expect(text).toMatch(new RegExp(`^#   ${event.replace('.', '\\.')}: \\S`, 'm'));
  });

  it('names every command Slack offers in the usage hint, and no CLI-only option', () => {
    const hint = slashCommandUsageHint();
    const offered = commands.filter((c) => c.name !== 'audit' && offeredOn(c, 'slack'));
    expect(offered.length).toBeGreaterThan(0);
    for (const spec of offered) expect(hint).toContain(`${spec.name} `.trimEnd());
    for (const spec of commands.filter((c) => !offeredOn(c, 'slack'))) expect(hint).not.toMatch(new RegExp(`(^|[[|] )${spec.name}\\b`));
    expect(hint).toContain('--timeout');
    expect(hint).not.toContain('--json');
  });

  it('follows the registry: a new command shows up in the description and the hint', () => {
    const extra: CommandSpec = {
      name: 'digest',
      summary: 'Scheduled digests',
      examples: [],
      args: [{ name: 'schedule', description: 'when', required: true }],
      options: [],
      access: 'scan',
      run: async () => {
        throw new Error('not run');
      },
    };
    const list = [...commands, extra];
    expect(slashCommandDescription(list)).toMatch(/Also: .*digest$/);
    expect(slashCommandUsageHint(list)).toContain('digest SCHEDULE');
  });
});
