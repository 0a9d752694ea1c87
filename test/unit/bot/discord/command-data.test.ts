import { ApplicationCommandOptionType, type APIApplicationCommandSubcommandOption } from 'discord.js';
import { COMMAND_NAME, commandData, tokensFromOptions, type InteractionOption } from '../../../../src/bot/discord/command-data';
import { DEFAULT_COMMAND, commands } from '../../../../src/commands/registry';
import { parseTokens } from '../../../../src/commands/parse';
import { offeredOn, type CommandSpec } from '../../../../src/commands/types';

const { String: STRING, Boolean: BOOLEAN, Subcommand: SUBCOMMAND } = ApplicationCommandOptionType;

function sub(name: string): APIApplicationCommandSubcommandOption {
  const found = commandData().options?.find((option) => option.name === name);
  if (!found || found.type !== SUBCOMMAND) throw new Error(`no subcommand ${name}`);
  return found;
}

/** What Discord sends for `/router-audit <name> key:value …`. */
function interaction(name: string, values: Record<string, string | boolean> = {}): InteractionOption[] {
  const type = (value: string | boolean) => (typeof value === 'boolean' ? BOOLEAN : STRING);
  return [{ name, type: SUBCOMMAND, options: Object.entries(values).map(([key, value]) => ({ name: key, type: type(value), value })) }];
}

describe('Discord command data from the registry', () => {
  it('has one subcommand per command offered on Discord, with the registry summaries', () => {
    const data = commandData();
    expect(data.name).toBe(COMMAND_NAME);
    const offered = commands.filter((spec) => offeredOn(spec, 'discord'));
    expect(data.options?.map((option) => option.name)).toEqual(offered.map((spec) => spec.name));
    for (const spec of offered) expect(sub(spec.name).description).toBe(spec.summary.slice(0, 100));
  });

  it('offers scan its targets as one string option and --timeout, but not the CLI-only --json and --fail-on', () => {
    const scan = sub('scan');
    expect(scan.options?.map((option) => [option.name, option.type])).toEqual([
      ['targets', STRING],
      ['timeout', STRING],
    ]);
  });

  it('keeps every name and description within Discord limits', () => {
    const data = commandData();
    const names: string[] = [data.name];
    const descriptions: string[] = [data.description];
    for (const subcommand of data.options ?? []) {
      names.push(subcommand.name);
      descriptions.push(subcommand.description);
      for (const option of (subcommand as APIApplicationCommandSubcommandOption).options ?? []) {
        names.push(option.name);
        descriptions.push(option.description);
      }
    }
    for (const name of names) expect(name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
    for (const description of descriptions) expect(description.length).toBeLessThanOrEqual(100);
  });

  it('turns choices, switches and long descriptions into Discord shapes, required options first', () => {
    const spec: CommandSpec = {
      name: 'probe',
      summary: 'x'.repeat(150),
      examples: [],
      args: [
        { name: 'site', description: 'optional site' },
        { name: 'target', description: 'the target', required: true },
      ],
      options: [
        { key: 'level', flags: '--level <level>', description: 'how loud', choices: ['low', 'high'] },
        { key: 'verbose', flags: '-v, --verbose', description: 'say more' },
        { key: 'secret', flags: '--secret', description: 'cli only', surfaces: ['cli'] },
      ],
      access: 'open',
      run: async () => {
        throw new Error('not run');
      },
    };
    const data = commandData([spec]);
    const probe = data.options?.[0] as APIApplicationCommandSubcommandOption;
    expect(probe.description).toHaveLength(100);
    expect(probe.description.endsWith('…')).toBe(true);
    expect(probe.options).toEqual([
      { type: STRING, name: 'target', description: 'the target', required: true },
      { type: STRING, name: 'site', description: 'optional site', required: false },
      { type: STRING, name: 'level', description: 'how loud', choices: [{ name: 'low', value: 'low' }, { name: 'high', value: 'high' }] },
      { type: BOOLEAN, name: 'verbose', description: 'say more' },
    ]);
    expect(tokensFromOptions(interaction('probe', { target: 't1', level: 'high', verbose: true }), [spec])).toEqual(['probe', 't1', '--level', 'high', '--verbose']);
    expect(tokensFromOptions(interaction('probe', { target: 't1', verbose: false }), [spec])).toEqual(['probe', 't1']);
  });

  it('refuses to generate a payload Discord would reject', () => {
    const bad: CommandSpec = { name: 'Has Space', summary: 's', examples: [], args: [], options: [], access: 'open', run: async () => { throw new Error('no'); } };
    expect(() => commandData([bad])).toThrow(/not a valid Discord option name/);
  });
});

describe('interaction options back to dispatcher tokens', () => {
  it('splits the variadic targets on whitespace and appends options as flags', () => {
    expect(tokensFromOptions(interaction('scan', { targets: ' 10.0.0.0/24   10.0.1.5 ', timeout: '5000' }))).toEqual([
      'scan', '10.0.0.0/24', '10.0.1.5', '--timeout', '5000',
    ]);
  });

  it('groups quoted words of a variadic value, as typed in Slack', () => {
    expect(tokensFromOptions(interaction('digest', { action: 'cron', args: '"0 8 * * 1-5" 10.20.0.0/24', tz: 'Europe/Amsterdam' }))).toEqual([
      'digest', 'cron', '0 8 * * 1-5', '10.20.0.0/24', '--tz', 'Europe/Amsterdam',
    ]);
    expect(tokensFromOptions(interaction('history', { targets: '"10.0.0.0/24 10.0.1.0/24' }))).toEqual(['history', '"10.0.0.0/24', '10.0.1.0/24']);
  });

  it('passes a non-variadic value as one token, spaces and all', () => {
    expect(tokensFromOptions(interaction('help', { command: 'scan now' }))).toEqual(['help', 'scan now']);
  });

  it('gives just the subcommand when no options were filled in, and nothing without a subcommand', () => {
    expect(tokensFromOptions(interaction('audit'))).toEqual(['audit']);
    expect(tokensFromOptions([])).toEqual([]);
  });

  it('round-trips through the one parser: what Discord offers, the dispatcher accepts', () => {
    const tokens = tokensFromOptions(interaction('scan', { targets: '10.0.0.0/24', timeout: '5000' }));
    const parsed = parseTokens(tokens, commands, 'discord', DEFAULT_COMMAND);
    expect(parsed.kind).toBe('command');
    if (parsed.kind !== 'command') return;
    expect(parsed.spec.name).toBe('scan');
    expect(parsed.input.args.targets).toEqual(['10.0.0.0/24']);
    expect(parsed.input.options.timeout).toBe('5000');
  });

  it('leaves the attachment of a command that reads files out of the tokens (the adapter downloads it)', () => {
    const options: InteractionOption[] = [
      { name: 'spray', type: SUBCOMMAND, options: [{ name: 'since', type: STRING, value: '7d' }, { name: 'file', type: ApplicationCommandOptionType.Attachment, value: '123456789012345678' }] },
    ];
    const tokens = tokensFromOptions(options);
    expect(tokens).toEqual(['spray', '--since', '7d']);
    expect(parseTokens(tokens, commands, 'discord', DEFAULT_COMMAND).kind).toBe('command');
    // A command without files gets no such pass: a "file" there is a stale option the parser names.
    expect(tokensFromOptions([{ name: 'scan', type: SUBCOMMAND, options: [{ name: 'file', type: ApplicationCommandOptionType.Attachment, value: '1' }] }])).toEqual(['scan', '--file', '1']);
  });

  it('passes options from a stale registration through, so the parser answers with usage', () => {
    const tokens = tokensFromOptions(interaction('scan', { targets: '10.0.0.1', json: true }));
    expect(tokens).toEqual(['scan', '10.0.0.1', '--json']);
    expect(parseTokens(tokens, commands, 'discord', DEFAULT_COMMAND).kind).toBe('usage');
  });
});
