import { adviceCommand } from './advice';
import { auditCommand } from './audit';
import { digestCommand } from './digest';
import { helpCommand } from './help';
import { historyCommand } from './history';
import { scanCommand } from './scan';
import { sprayCommand } from './spray';
import { agentCommand, sitesCommand } from './sites';
import type { CommandSpec } from './types';

/**
 * The one list of commands. The parser, help, the CLI, Discord's registration payload and the
 * Slack manifest are all generated from it.
 */
export const commands: readonly CommandSpec[] = [
  auditCommand,
  scanCommand,
  sprayCommand,
  adviceCommand,
  digestCommand,
  historyCommand,
  sitesCommand,
  agentCommand,
  helpCommand(() => commands),
];

/** What `/router-audit` with no words runs. */
export const DEFAULT_COMMAND = 'audit';

export function findCommand(name: string, list: readonly CommandSpec[] = commands): CommandSpec | undefined {
  return list.find((spec) => spec.name === name);
}
