import { argsOn, offeredOn, type CommandSpec, type Surface } from './types';

/** Usage lines generated from the command specs, so help never drifts from the parser. */

export function commandPrefix(surface: Surface): string {
  return surface === 'cli' ? 'router-audit' : '/router-audit';
}

function placeholder(flags: string): string {
  const value = /<([^>]+)>|\[([^\]]+)\]/.exec(flags);
  const long = flags.split(/[ ,]+/).find((part) => part.startsWith('--')) ?? flags;
  if (!value) return `[${long}]`;
  return `[${long} ${(value[1] ?? value[2] ?? '').toUpperCase()}]`;
}

export function usageOf(spec: CommandSpec, surface: Surface): string {
  const parts = [commandPrefix(surface), spec.name];
  for (const arg of argsOn(spec, surface)) {
    const name = arg.name.toUpperCase();
    parts.push(arg.required ? (arg.variadic ? `${name}…` : name) : arg.variadic ? `[${name}…]` : `[${name}]`);
  }
  for (const option of spec.options) if (offeredOn(option, surface)) parts.push(placeholder(option.flags));
  return parts.join(' ');
}
