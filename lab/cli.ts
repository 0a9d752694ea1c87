import { assertRoot, createLab, destroyLabByPrefix, LabPermissionError } from './builder';
import { DEMO_PREFIX, DEMO_TARGETS, DEMO_TOPOLOGY } from './demo';
import { listNamespaces } from './netns';
import { readState } from './state';
import { hostsOf } from './topology';

/**
 * `npm run lab` builds the demo LAN and leaves it up; `npm run lab -- down` removes it;
 * `npm run lab -- status` shows what is there.
 */

const USAGE = 'usage: npm run lab [-- up | down | status]';

function describeHosts(): string {
  const rows = hostsOf(DEMO_TOPOLOGY).map((host) => {
    const services = (host.services ?? []).map((s) => (s.kind === 'upnp' ? 'upnp/1900' : `${s.kind}/${s.port}`)).join(' ');
    return `  ${host.ip.padEnd(11)} ${host.mac}  ${(host.expect.tplink ? 'TP-Link' : '').padEnd(8)} ${host.role ?? host.name}${services ? `  [${services}]` : ''}`;
  });
  return [`  ${DEMO_TOPOLOGY.scanner.ip.padEnd(11)} ${DEMO_TOPOLOGY.scanner.mac}           the scanner (run commands here)`, ...rows].join('\n');
}

async function up(): Promise<number> {
  const started = Date.now();
  await createLab(DEMO_TOPOLOGY, { prefix: DEMO_PREFIX, persistent: true, log: (line) => console.error(line) });
  const scanNs = `${DEMO_PREFIX}scan`;
  console.log(`Demo lab is up (${Date.now() - started} ms): LAN ${DEMO_TOPOLOGY.lan}, routed ${DEMO_TOPOLOGY.routed?.network ?? '-'}\n`);
  console.log(describeHosts());
  console.log(`\nScan it from inside:\n  ip netns exec ${scanNs} npx router-audit scan ${DEMO_TARGETS.join(' ')}`);
  console.log(`\nRemove it:\n  npm run lab -- down`);
  return 0;
}

async function down(): Promise<number> {
  await destroyLabByPrefix(DEMO_PREFIX);
  console.log(`Demo lab removed (no ${DEMO_PREFIX}* namespaces left).`);
  return 0;
}

async function status(): Promise<number> {
  const namespaces = (await listNamespaces()).filter((name) => name.startsWith(DEMO_PREFIX));
  const state = readState(DEMO_PREFIX);
  if (namespaces.length === 0) {
    console.log('Demo lab is not running. Start it with `npm run lab`.');
    return 0;
  }
  console.log(`Demo lab is up since ${state?.createdAt ?? '(unknown)'}: ${namespaces.length} namespaces, ${state?.pids.length ?? 0} service processes\n`);
  console.log(describeHosts());
  console.log(`\nScan it from inside:\n  ip netns exec ${DEMO_PREFIX}scan npx router-audit scan ${DEMO_TARGETS.join(' ')}`);
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const command = argv[2] ?? 'up';
  const actions: Record<string, () => Promise<number>> = { up, down, status };
  const action = actions[command];
  if (!action || argv.length > 3) {
    console.error(USAGE);
    return 2;
  }
  try {
    if (command !== 'status') assertRoot();
    return await action();
  } catch (error) {
    if (error instanceof LabPermissionError) {
      console.error(`lab: ${error.message}`);
      return 2;
    }
    console.error(`lab: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => { process.exitCode = code; });
}
