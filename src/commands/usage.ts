import { argsOn, offeredOn, type CommandSpec, type OptionSpec, type Surface } from './types';

/** Usage lines generated from the command specs, so help never drifts from the parser. */

export function commandPrefix(surface: Surface): string {
  return surface === 'cli' ? 'router-audit' : '/router-audit';
}

interface FlagParts {
  /** "--fail-on" */
  long: string;
  /** "SEVERITY", or null for a switch such as --json */
  value: string | null;
}

function flagParts(option: OptionSpec): FlagParts {
  const value = /<([^>]+)>|\[([^\]]+)\]/.exec(option.flags);
  const long = option.flags.split(/[ ,]+/).find((part) => part.startsWith('--')) ?? option.flags;
  return { long, value: value ? (value[1] ?? value[2] ?? '').toUpperCase() : null };
}

/** Discord has named options, not words: `/router-audit scan [targets:TARGETS…] [timeout:MS]`. */
function discordUsage(spec: CommandSpec): string {
  const parts = [commandPrefix('discord'), spec.name];
  for (const arg of argsOn(spec, 'discord')) {
    const shown = `${arg.name}:${arg.name.toUpperCase()}${arg.variadic ? '…' : ''}`;
    parts.push(arg.required ? shown : `[${shown}]`);
  }
  for (const option of spec.options) {
    if (!offeredOn(option, 'discord')) continue;
    const { long, value } = flagParts(option);
    parts.push(`[${long.slice(2)}:${value ?? 'True'}]`);
  }
  if (spec.files) parts.push('[file:ATTACHMENT]');
  return parts.join(' ');
}

export function usageOf(spec: CommandSpec, surface: Surface): string {
  if (surface === 'discord') return discordUsage(spec);
  const parts = [commandPrefix(surface), spec.name];
  for (const arg of argsOn(spec, surface)) {
    const name = arg.name.toUpperCase();
    parts.push(arg.required ? (arg.variadic ? `${name}…` : name) : arg.variadic ? `[${name}…]` : `[${name}]`);
  }
  for (const option of spec.options) {
    if (!offeredOn(option, surface)) continue;
    const { long, value } = flagParts(option);
    parts.push(value ? `[${long} ${value}]` : `[${long}]`);
  }
  return parts.join(' ');
}
