import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { tokenize } from '../../commands/parse';
import { commands as registry } from '../../commands/registry';
import { argsOn, offeredOn, type ArgSpec, type CommandSpec, type OptionSpec } from '../../commands/types';

/**
 * The `/router-audit` slash command, generated from the command registry (one subcommand per
 * command), and the way back: an interaction's subcommand and option values become the token list
 * the dispatcher parses, so Discord has no parser of its own.
 */

export const COMMAND_NAME = 'router-audit';
const COMMAND_DESCRIPTION = 'Find TP-Link routers and Quad7 backdoor signs; hardening advice';

/** Discord's rules for names and descriptions of commands, options and choices. */
const NAME_PATTERN = /^[-_\p{L}\p{N}]{1,32}$/u;
const DESCRIPTION_MAX = 100;
const CHOICES_MAX = 25;
const OPTIONS_MAX = 25;

/** The attachment option of a command that reads files users send (spray's log file). */
export const FILE_OPTION = 'file';

function fit(text: string, max = DESCRIPTION_MAX): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).trimEnd()}…`;
}

function checkedName(name: string, where: string): string {
  const lower = name.toLowerCase();
  if (!NAME_PATTERN.test(lower)) throw new Error(`${where}: "${name}" is not a valid Discord option name`);
  return lower;
}

/** "--fail-on <severity>" → "fail-on"; "-t, --timeout <ms>" → "timeout". */
export function optionName(option: OptionSpec): string {
  const long = option.flags.split(/[ ,|]+/).find((part) => part.startsWith('--'));
  if (!long) throw new Error(`option ${option.key}: flags "${option.flags}" have no --long form`);
  return long.slice(2);
}

/** Whether the option takes a value ("--timeout <ms>") or is a switch ("--json"). */
export function optionTakesValue(option: OptionSpec): boolean {
  return /<[^>]+>|\[[^\]]+\]/.test(option.flags);
}

function argOption(arg: ArgSpec, command: string): APIApplicationCommandBasicOption {
  const description = arg.variadic ? `${arg.description}; several: separate with spaces` : arg.description;
  return {
    type: ApplicationCommandOptionType.String,
    name: checkedName(arg.name, command),
    description: fit(description),
    required: arg.required === true,
  };
}

function flagOption(option: OptionSpec, command: string): APIApplicationCommandBasicOption {
  const name = checkedName(optionName(option), command);
  if (!optionTakesValue(option)) {
    return { type: ApplicationCommandOptionType.Boolean, name, description: fit(option.description) };
  }
  if (option.choices && option.choices.length > CHOICES_MAX) {
    throw new Error(`${command} --${name}: ${option.choices.length} choices; Discord takes at most ${CHOICES_MAX}`);
  }
  return {
    type: ApplicationCommandOptionType.String,
    name,
    description: fit(option.description),
    ...(option.choices ? { choices: option.choices.map((choice) => ({ name: fit(choice), value: choice })) } : {}),
  };
}

export function subcommandFor(spec: CommandSpec): APIApplicationCommandSubcommandOption {
  const name = checkedName(spec.name, 'command');
  const args = argsOn(spec, 'discord').map((arg) => argOption(arg, name));
  const flags = spec.options.filter((option) => offeredOn(option, 'discord')).map((option) => flagOption(option, name));
  // Discord rejects a required option after an optional one; the order among each group stays.
  const options = [...args.filter((o) => o.required), ...args.filter((o) => !o.required), ...flags];
  if (spec.files) {
    // Optional: without a file the command reads what the bot's admin configured (SPRAY_LOG_PATHS).
    options.push({ type: ApplicationCommandOptionType.Attachment, name: FILE_OPTION, description: fit(spec.files.description), required: false });
  }
  const names = options.map((o) => o.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`${name}: two options are called "${duplicate}"`);
  if (options.length > OPTIONS_MAX) throw new Error(`${name}: ${options.length} options; Discord takes at most ${OPTIONS_MAX}`);
  return { type: ApplicationCommandOptionType.Subcommand, name, description: fit(spec.summary), options };
}

/** The registration payload (PUT applications/:id[/guilds/:id]/commands takes an array of these). */
export function commandData(specs: readonly CommandSpec[] = registry): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const offered = specs.filter((spec) => offeredOn(spec, 'discord'));
  if (offered.length > OPTIONS_MAX) throw new Error(`${offered.length} commands; Discord takes at most ${OPTIONS_MAX} subcommands`);
  return {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAME,
    description: COMMAND_DESCRIPTION,
    options: offered.map(subcommandFor),
  };
}

/**
 * The part of an interaction's options this module reads; both discord.js's
 * CommandInteractionOption and the raw API option have this shape.
 */
export interface InteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: readonly InteractionOption[];
}

/**
 * Interaction options → dispatcher tokens: `scan targets:"10.0.0.0/24 10.0.1.5" timeout:5000` →
 * ['scan', '10.0.0.0/24', '10.0.1.5', '--timeout', '5000']. Values are passed as single tokens
 * except variadic arguments, which are split into words (quotes group, as in Slack: `digest
 * action:cron args:"0 8 * * 1" 10.20.0.0/24`). Unknown subcommands or options are passed through
 * so the dispatcher answers with its usual message.
 */
/** Words of a variadic value; quotes group words. An unclosed quote: plain whitespace split. */
function splitWords(text: string): string[] {
  return tokenize(text) ?? text.split(/\s+/);
}

export function tokensFromOptions(data: readonly InteractionOption[], specs: readonly CommandSpec[] = registry): string[] {
  const sub = data.find((option) => option.type === ApplicationCommandOptionType.Subcommand);
  if (!sub) return [];
  const spec = specs.find((candidate) => candidate.name === sub.name);
  const given = new Map((sub.options ?? []).map((option) => [option.name, option.value]));
  const tokens = [sub.name];
  if (!spec) return tokens;
  // The attachment is not a word of the command: the adapter downloads it and passes it as a file.
  if (spec.files) given.delete(FILE_OPTION);

  for (const arg of argsOn(spec, 'discord')) {
    const value = given.get(arg.name.toLowerCase());
    given.delete(arg.name.toLowerCase());
    if (value === undefined) continue;
    const text = String(value).trim();
    if (text === '') continue;
    tokens.push(...(arg.variadic ? splitWords(text) : [text]));
  }
  const flagTokens: string[] = [];
  for (const option of spec.options) {
    if (!offeredOn(option, 'discord')) continue;
    const name = optionName(option);
    const value = given.get(name);
    given.delete(name);
    if (value === undefined || value === false) continue;
    if (value === true && !optionTakesValue(option)) flagTokens.push(`--${name}`);
    else flagTokens.push(`--${name}`, String(value));
  }
  // Anything Discord sent that the spec does not know (a stale registration): let the parser say so.
  for (const [name, value] of given) {
    if (value === undefined || value === false) continue;
    flagTokens.push(`--${name}`, ...(value === true ? [] : [String(value)]));
  }
  return [...tokens, ...flagTokens];
}
