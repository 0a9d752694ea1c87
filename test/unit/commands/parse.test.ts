import { commands, DEFAULT_COMMAND } from '../../../src/commands/registry';
import { parseText, parseTokens, tokenize } from '../../../src/commands/parse';
import { usageOf } from '../../../src/commands/usage';

const parse = (text: string, surface: 'slack' | 'cli' = 'slack') => parseText(text, commands, surface, DEFAULT_COMMAND);

describe('tokenize', () => {
  it('splits on whitespace and keeps quoted words together', () => {
    expect(tokenize('digest cron "0 8 * * 1"  10.0.0.0/24')).toEqual(['digest', 'cron', '0 8 * * 1', '10.0.0.0/24']);
    expect(tokenize("a 'b c' d")).toEqual(['a', 'b c', 'd']);
  });

  it('understands the typographic quotes chat clients insert', () => {
    expect(tokenize('digest cron “0 8 * * 1”')).toEqual(['digest', 'cron', '0 8 * * 1']);
  });

  it('keeps an empty quoted argument', () => {
    expect(tokenize('x ""')).toEqual(['x', '']);
  });

  it('reports an unclosed quote', () => {
    expect(tokenize('digest cron "0 8')).toBeNull();
  });
});

describe('parsing commands', () => {
  it('runs the full audit for an empty command', () => {
    const result = parse('');
    expect(result.kind === 'command' && result.spec.name).toBe('audit');
  });

  it('accepts the leading /router-audit', () => {
    const result = parse('/router-audit scan 10.0.0.0/24 10.0.1.5');
    expect(result.kind).toBe('command');
    if (result.kind === 'command') expect(result.input.args.targets).toEqual(['10.0.0.0/24', '10.0.1.5']);
  });

  it('reads a bare target as a scan', () => {
    const result = parse('10.20.0.0/24');
    expect(result.kind === 'command' && result.spec.name).toBe('scan');
  });

  it('suggests the closest command for a typo and lists the commands', () => {
    const result = parse('scna 10.0.0.0/24');
    expect(result.kind).toBe('usage');
    if (result.kind === 'usage') {
      expect(result.message).toContain('Unknown command "scna". Did you mean scan?');
      expect(result.message).toMatch(/Commands: audit, scan, .*advice, .*help\./);
    }
  });

  it('rejects an unknown option with the command usage', () => {
    const result = parse('scan --fast');
    expect(result.kind).toBe('usage');
    if (result.kind === 'usage') {
      expect(result.message).toContain("Unknown option '--fast'");
      expect(result.message).toContain('Usage: /router-audit scan [TARGETS…] [--timeout MS]');
    }
  });

  it('does not offer CLI-only options in chat', () => {
    expect(parse('scan --json').kind).toBe('usage');
    const cli = parse('scan --json --fail-on high 10.0.0.1', 'cli');
    expect(cli.kind).toBe('command');
    if (cli.kind === 'command') expect(cli.input.options).toMatchObject({ json: true, failOn: 'high' });
  });

  it('checks option choices', () => {
    const result = parseTokens(['scan', '--fail-on', 'apocalyptic'], commands, 'cli', DEFAULT_COMMAND);
    expect(result.kind).toBe('usage');
    if (result.kind === 'usage') expect(result.message).toMatch(/Allowed choices are critical, high, medium, low, info/);
  });

  it('refuses extra arguments', () => {
    const result = parse('advice identity-mfa router-firmware-update');
    expect(result.kind).toBe('usage');
    if (result.kind === 'usage') expect(result.message).toMatch(/too many arguments/i);
  });

  it('turns --help anywhere into help for that command', () => {
    const result = parse('scan 10.0.0.0/24 --help');
    expect(result.kind === 'help' && result.spec?.name).toBe('scan');
  });

  it('refuses very long input without parsing it', () => {
    expect(parse(`scan ${'10.0.0.1 '.repeat(400)}`).kind).toBe('usage');
  });
});

describe('usage lines', () => {
  const spec = (name: string) => commands.find((c) => c.name === name)!;

  it('speaks each surface\'s syntax', () => {
    expect(usageOf(spec('scan'), 'cli')).toBe('router-audit scan [TARGETS…] [--json] [--fail-on SEVERITY] [--timeout MS]');
    expect(usageOf(spec('scan'), 'slack')).toBe('/router-audit scan [TARGETS…] [--timeout MS]');
    expect(usageOf(spec('scan'), 'discord')).toBe('/router-audit scan [targets:TARGETS…] [timeout:MS]');
    expect(usageOf(spec('spray'), 'discord')).toBe('/router-audit spray [format:FORMAT] [since:WHEN] [columns:MAP] [file:ATTACHMENT]');
  });
});
