import { runScanCommand } from './scan';
import type { CommandSpec } from './types';

/**
 * `/router-audit` with nothing after it: the full audit. For now the scan of the default networks;
 * the password-spray section joins it when log analysis is configured.
 */
export const auditCommand: CommandSpec = {
  name: 'audit',
  summary: 'Full audit: scan the default networks for TP-Link devices and Quad7 signs',
  details: 'What /router-audit alone runs. The networks are those of the machine the bot runs on, inside SCAN_ALLOW.',
  examples: [''],
  args: [],
  options: [{ key: 'timeout', flags: '--timeout <ms>', description: 'stop after this many milliseconds and report what was found' }],
  access: 'scan',
  async run(input, ctx) {
    const { report } = await runScanCommand([], input, ctx);
    report.title = `Audit: ${report.title}`;
    return report;
  },
};
