import { Command, CommanderError, Option } from 'commander';
import { parseTarget } from '../scanner/targets';
import { closestMatch } from './suggest';
import { usageOf } from './usage';
import { argsOn, offeredOn, type CommandSpec, type ParsedInput, type Surface } from './types';

/**
 * Text typed in chat (or argv from the CLI) → which command, with which arguments. Commander does
 * the option and argument work; this module picks the command and turns its errors into messages
 * that end with the command's usage.
 */

export type ParseResult =
  | { kind: 'command'; spec: CommandSpec; input: ParsedInput }
  | { kind: 'help'; spec: CommandSpec | undefined }
  | { kind: 'usage'; message: string; spec?: CommandSpec };

const MAX_TOKENS = 64;
const MAX_TEXT = 2000;

/**
 * Splits like a shell: whitespace separates, single or double quotes group. Chat clients turn
 * quotes into typographic ones, so those count too. Returns null for an unclosed quote.
 */
export function tokenize(text: string): string[] | null {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let quote: string | null = null;
  const closing: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '„': '“' };
  for (const char of text) {
    if (quote) {
      if (char === quote || (quote === '”' && char === '"')) quote = null;
      else current += char;
      continue;
    }
    if (char in closing) {
      quote = closing[char] ?? char;
      inToken = true;
    } else if (/\s/.test(char)) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else {
      current += char;
      inToken = true;
    }
  }
  if (quote) return null;
  if (inToken) tokens.push(current);
  return tokens;
}

function looksLikeTarget(token: string): boolean {
  try {
    parseTarget(token);
    return true;
  } catch {
    return /^\d{1,3}(\.\d{1,3}){1,3}([/-].*)?$/.test(token);
  }
}

function buildCommander(spec: CommandSpec, surface: Surface): Command {
  const command = new Command(spec.name)
    .exitOverride()
    .helpOption(false)
    .allowExcessArguments(false)
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  for (const arg of argsOn(spec, surface)) {
    const name = arg.variadic ? `${arg.name}...` : arg.name;
    command.argument(arg.required ? `<${name}>` : `[${name}]`, arg.description);
  }
  for (const option of spec.options) {
    if (!offeredOn(option, surface)) continue;
    const built = new Option(option.flags, option.description);
    if (option.choices) built.choices(option.choices);
    command.addOption(built);
  }
  return command;
}

function commanderMessage(error: CommanderError): string {
  return error.message.replace(/^error: /, '').replace(/^./, (c) => c.toUpperCase());
}

export function parseTokens(rawTokens: readonly string[], commands: readonly CommandSpec[], surface: Surface, defaultCommand: string): ParseResult {
  let tokens = [...rawTokens];
  if (tokens[0] === '/router-audit' || tokens[0] === 'router-audit') tokens = tokens.slice(1);
  const offered = commands.filter((spec) => offeredOn(spec, surface));
  const names = offered.map((spec) => spec.name);

  if (tokens.length > MAX_TOKENS) return { kind: 'usage', message: `That is ${tokens.length} words; a command takes at most ${MAX_TOKENS}.` };
  if (tokens.length === 0) tokens = [defaultCommand];
  const first = tokens[0] ?? defaultCommand;
  if (first === '--help' || first === '-h') return { kind: 'help', spec: undefined };

  let spec = offered.find((candidate) => candidate.name === first.toLowerCase());
  if (!spec && looksLikeTarget(first)) {
    // "/router-audit 10.1.0.0/24" reads naturally as a scan.
    spec = offered.find((candidate) => candidate.name === 'scan');
    tokens = ['scan', ...tokens];
  }
  if (!spec) {
    const suggestion = closestMatch(first.toLowerCase(), names);
    return {
      kind: 'usage',
      message: `Unknown command "${first}".${suggestion ? ` Did you mean ${suggestion}?` : ''} Commands: ${names.join(', ')}.`,
    };
  }
  const rest = tokens.slice(1);
  if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', spec };

  const command = buildCommander(spec, surface);
  try {
    command.parse(rest, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return { kind: 'usage', spec, message: `${commanderMessage(error)}\nUsage: ${usageOf(spec, surface)}` };
    }
    throw error;
  }
  const args: ParsedInput['args'] = {};
  argsOn(spec, surface).forEach((arg, index) => {
    args[arg.name] = command.processedArgs[index] as string | string[] | undefined;
  });
  return { kind: 'command', spec, input: { args, options: command.opts() as ParsedInput['options'] } };
}

export function parseText(text: string, commands: readonly CommandSpec[], surface: Surface, defaultCommand: string): ParseResult {
  if (text.length > MAX_TEXT) return { kind: 'usage', message: `That command is ${text.length} characters long; the limit is ${MAX_TEXT}.` };
  const tokens = tokenize(text.trim());
  if (tokens === null) return { kind: 'usage', message: 'A quote is not closed. Put quotes around a value that contains spaces, e.g. digest cron "0 8 * * 1".' };
  return parseTokens(tokens, commands, surface, defaultCommand);
}
