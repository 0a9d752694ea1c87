import { Dispatcher } from '../../../src/commands/dispatch';
import type { ScanRunner } from '../../../src/commands/scan-coordinator';
import type { CommandSpec, Services } from '../../../src/commands/types';
import { commands } from '../../../src/commands/registry';
import { silentLogger } from '../../../src/log';
import type { ScanResult } from '../../../src/scanner/report-types';
import { testServices } from '../../support/services';

/** A runner that records what it was asked and answers with a fixed result: the scanner itself is tested in the lab. */
function recordingRunner(result: Partial<ScanResult> = {}) {
  const jobs: string[][] = [];
  const runner: ScanRunner = {
    async run(job) {
      jobs.push(job.addresses);
      return { targets: job.targets, startedAt: new Date(0).toISOString(), durationMs: 5, hosts: [], findings: [], advice: [], ...result };
    },
  };
  return { runner, jobs };
}

/** Services on a fixed clock, on a machine whose only network is 10.9.0.0/24 (what a bare audit scans). */
function servicesWith(runner: ScanRunner): Services {
  return testServices({
    runner,
    now: () => new Date(0),
    interfaces: () => ({ eth0: [{ address: '10.9.0.7', netmask: '255.255.255.0', family: 'IPv4', internal: false, mac: '00:00:00:00:00:00', cidr: '10.9.0.7/24' }] }),
  });
}

const caller = { platform: 'slack' as const, userId: 'U1', channelId: 'C1' };

describe('Dispatcher', () => {
  it('refuses a public target with the allowlist message and sends nothing', async () => {
    const { runner, jobs } = recordingRunner();
    const report = await new Dispatcher(servicesWith(runner)).dispatch({ surface: 'slack', caller, input: 'scan 8.8.8.0/24' });
    expect(report.outcome).toBe('refused');
    expect(report.ephemeral).toBe(true);
    expect(report.summary).toContain('Refused 8.8.8.0/24');
    expect(jobs).toEqual([]);
  });

  it('answers a malformed target with what it expected and the usage', async () => {
    const { runner } = recordingRunner();
    const report = await new Dispatcher(servicesWith(runner)).dispatch({ surface: 'slack', caller, input: 'scan 10.0.0/24' });
    expect(report.outcome).toBe('usage');
    const text = report.sections.map((s) => (s.kind === 'text' ? s.text : '')).join('\n');
    expect(text).toContain('CIDR form');
    expect(text).toContain('Usage: /router-audit scan');
  });

  it('scans the interface subnets for the bare audit', async () => {
    const { runner, jobs } = recordingRunner();
    const report = await new Dispatcher(servicesWith(runner)).dispatch({ surface: 'slack', caller, input: '' });
    expect(report.outcome).toBe('ok');
    expect(jobs[0]).toHaveLength(254);
    expect(jobs[0]?.[0]).toBe('10.9.0.1');
  });

  it('lets the access policy refuse scans but never help or advice', async () => {
    const { runner, jobs } = recordingRunner();
    const dispatcher = new Dispatcher(servicesWith(runner));
    const authorize = () => 'Only the network team may scan from this channel.';
    const scan = await dispatcher.dispatch({ surface: 'slack', caller, input: 'scan 10.0.0.0/24', authorize });
    expect(scan.outcome).toBe('denied');
    expect(scan.summary).toContain('network team');
    expect(jobs).toEqual([]);
    expect((await dispatcher.dispatch({ surface: 'slack', caller, input: 'help', authorize })).outcome).toBe('ok');
    expect((await dispatcher.dispatch({ surface: 'slack', caller, input: 'advice', authorize })).outcome).toBe('ok');
  });

  it('turns a crash inside a command into a short message with a reference that is logged', async () => {
    const { runner } = recordingRunner();
    const services = servicesWith(runner);
    const logged: unknown[] = [];
    services.log = { ...silentLogger(), error: (obj: unknown) => logged.push(obj), info: () => undefined, warn: () => undefined } as unknown as Services['log'];
    const exploding: CommandSpec = {
      name: 'boom', summary: 'fails', examples: [], args: [], options: [], access: 'open',
      run: async () => { throw new Error('secret internals xoxb-123456789-abcdefgh'); },
    };
    const report = await new Dispatcher(services, [...commands, exploding]).dispatch({ surface: 'slack', caller, input: 'boom' });
    expect(report.outcome).toBe('error');
    expect(report.reference).toMatch(/^[0-9A-F]{8}$/);
    expect(report.summary).toContain(report.reference);
    expect(JSON.stringify(report)).not.toContain('secret internals');
    expect(logged).toEqual([expect.objectContaining({ reference: report.reference })]);
  });

  it('answers advice with an unknown id with a suggestion', async () => {
    const { runner } = recordingRunner();
    const report = await new Dispatcher(servicesWith(runner)).dispatch({ surface: 'slack', caller, input: 'advice identity-mfaa' });
    expect(report.outcome).toBe('usage');
    expect(report.summary).toContain('Did you mean identity-mfa?');
  });

  it('generates help from the command list', async () => {
    const { runner } = recordingRunner();
    const report = await new Dispatcher(servicesWith(runner)).dispatch({ surface: 'slack', caller, input: 'help' });
    const fields = report.sections.flatMap((s) => (s.kind === 'fields' ? s.fields.map((f) => f.label) : []));
    expect(fields).toContain('/router-audit scan [TARGETS…] [--timeout MS]');
    expect(fields).toContain('/router-audit advice [ID]');
    // Every command chat offers is listed once; CLI-only ones (the site agent) are not.
    const offered = commands.filter((spec) => !spec.surfaces || spec.surfaces.includes('slack')).map((spec) => spec.name);
    expect(fields.map((label) => label.split(' ')[1])).toEqual(offered);
    expect(fields.some((label) => label.includes(' agent'))).toBe(false);
  });
});
