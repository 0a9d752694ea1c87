import { UsageError } from './errors';
import { closestMatch } from './suggest';
import { commandPrefix, usageOf } from './usage';
import { argsOn, offeredOn, type CommandSpec, type Surface } from './types';
import type { Report } from './report';

/** Help is generated from the same specs the parser uses. */

export function helpForCommand(spec: CommandSpec, surface: Surface): Report {
  const fields = argsOn(spec, surface).map((arg) => ({ label: arg.name.toUpperCase(), value: arg.description }));
  for (const option of spec.options) {
    if (!offeredOn(option, surface)) continue;
    const choices = option.choices ? ` (${option.choices.join(', ')})` : '';
    fields.push({ label: option.flags, value: `${option.description}${choices}` });
  }
  const prefix = commandPrefix(surface);
  const sections: Report['sections'] = [{ kind: 'text', text: `${usageOf(spec, surface)}\n${spec.details ?? spec.summary}` }];
  if (fields.length > 0) sections.push({ kind: 'fields', heading: 'Arguments and options', fields });
  sections.push({ kind: 'text', heading: 'Examples', text: spec.examples.map((example) => `${prefix} ${example}`.trim()).join('\n') });
  return { title: `${prefix} ${spec.name}`, tone: 'neutral', summary: spec.summary, sections, attachments: [], outcome: 'ok' };
}

export function overview(commands: readonly CommandSpec[], surface: Surface): Report {
  const offered = commands.filter((spec) => offeredOn(spec, surface));
  const prefix = commandPrefix(surface);
  return {
    title: 'router-audit',
    tone: 'neutral',
    summary: 'Finds TP-Link devices and Quad7 (CovertNetwork-1658) backdoor signs on your networks, and password spray in your sign-in logs.',
    sections: [
      {
        kind: 'text',
        text:
          'Microsoft reported in October 2024 that a network of hacked home and small-office routers, mostly TP-Link, ' +
          'relays slow password-spray attacks against Microsoft 365 accounts. This bot checks your networks and logs for it.',
      },
      { kind: 'fields', heading: 'Commands', fields: offered.map((spec) => ({ label: usageOf(spec, surface), value: spec.summary })) },
      { kind: 'text', text: `${prefix} help COMMAND shows the details of one command.` },
    ],
    attachments: [],
    outcome: 'ok',
  };
}

export function helpCommand(commands: () => readonly CommandSpec[]): CommandSpec {
  return {
    name: 'help',
    summary: 'What this bot does and how to use each command',
    examples: ['help', 'help scan'],
    args: [{ name: 'command', description: 'a command name' }],
    options: [],
    access: 'open',
    async run(input, ctx) {
      const wanted = input.args.command as string | undefined;
      const list = commands().filter((spec) => offeredOn(spec, ctx.surface));
      if (!wanted) return overview(list, ctx.surface);
      const spec = list.find((candidate) => candidate.name === wanted.toLowerCase());
      if (!spec) {
        const suggestion = closestMatch(wanted.toLowerCase(), list.map((candidate) => candidate.name));
        throw new UsageError(`There is no command "${wanted}".${suggestion ? ` Did you mean ${suggestion}?` : ''} Commands: ${list.map((c) => c.name).join(', ')}`);
      }
      return helpForCommand(spec, ctx.surface);
    },
  };
}
