import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { ip, ipBatch, listNamespaces, namespacePids, sysctlIn, waitForLinksUp } from './netns';
import { allStates, isAlive, labDir, readState, removeLabDir, writeState, type LabState } from './state';
import { hostsOf, prefixLengthOf, validateTopology, type LabHost, type LabTopology } from './topology';

/**
 * Builds a lab topology out of network namespaces, veth pairs and bridges, starts the device
 * services inside them, and tears all of it down again (see ../shared/lab/README.md for the shape).
 *
 * Namespaces: <prefix>sw holds the bridges (br0 = LAN, br1 = routed subnet), <prefix>scan is the
 * scanner, <prefix><host> each device. Interface names inside device namespaces are eth0/eth1, and
 * the bridge ports are p<index> inside <prefix>sw, so no name ever exceeds 15 characters and two
 * labs never collide on an interface name.
 */

export class LabPermissionError extends Error {
  override name = 'LabPermissionError';
}

export interface Lab {
  readonly prefix: string;
  readonly topology: LabTopology;
  /** namespace the scanner runs in (`ip netns exec <it> …`) */
  readonly scannerNamespace: string;
  namespaceOf(hostName: string): string;
  /** what a device's services logged: "tcp <port> <peer>", "ssdp <peer>", "arp <peer>" lines */
  contacts(hostName: string): string[];
  /** forgets the scanner's ARP cache, so the next scan starts cold */
  flushScannerNeighbours(): Promise<void>;
  destroy(): Promise<void>;
}

export interface CreateLabOptions {
  /** lower-case letters and digits ending in "-", e.g. "ralab-"; unique per concurrently running lab */
  prefix: string;
  /** keep the lab after this process exits (`npm run lab`); otherwise it dies with its owner */
  persistent?: boolean;
  log?: (line: string) => void;
}

const PREFIX = /^[a-z][a-z0-9]{0,14}-$/;
const READY_TIMEOUT_MS = 15000;

export function assertRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new LabPermissionError('the lab needs root (it creates network namespaces with `ip netns`); run it as root or with sudo');
  }
}

function checkPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) throw new Error(`lab prefix "${prefix}" must be lower-case letters/digits ending in "-", at most 16 characters`);
}

async function namespacesWithPrefix(prefix: string): Promise<string[]> {
  return (await listNamespaces()).filter((name) => name.startsWith(prefix));
}

async function stopProcesses(pids: readonly number[]): Promise<void> {
  const alive = pids.filter(isAlive);
  for (const pid of alive) {
    try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  const deadline = Date.now() + 2000;
  while (alive.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  for (const pid of alive.filter(isAlive)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
}

/**
 * Removes every trace of the lab with this prefix: its processes (recorded ones and any other
 * process still inside its namespaces), its namespaces (which takes the veths and bridges with
 * them) and its log directory. Safe to call when nothing is there.
 */
export async function destroyLabByPrefix(prefix: string): Promise<void> {
  checkPrefix(prefix);
  const state = readState(prefix);
  const namespaces = await namespacesWithPrefix(prefix);
  const inside = (await Promise.all(namespaces.map(namespacePids))).flat();
  await stopProcesses([...(state?.pids ?? []), ...inside]);
  await ipBatch(namespaces.map((name) => `netns del ${name}`), { force: true });
  removeLabDir(prefix);
  const left = await namespacesWithPrefix(prefix);
  if (left.length > 0) throw new Error(`lab ${prefix}: could not delete namespaces ${left.join(', ')}`);
}

/** Synchronous last-resort teardown for process exit, where no promise can run. */
function destroySync(prefix: string, pids: readonly number[], namespaces: readonly string[]): void {
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  // SIGKILL is delivered asynchronously: give the processes a moment to be gone.
  const deadline = Date.now() + 1000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (pids.some(isAlive) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 10);
  spawnSync('ip', ['-force', '-batch', '-'], { input: namespaces.map((name) => `netns del ${name}`).join('\n') + '\n', stdio: ['pipe', 'ignore', 'ignore'] });
  removeLabDir(prefix);
}

/** Labs whose owner died without tearing down (a killed test worker): remove them. */
async function sweepOrphans(log: (line: string) => void): Promise<void> {
  for (const state of allStates()) {
    if (!state.persistent && !isAlive(state.ownerPid)) {
      log(`removing stale lab ${state.prefix} (its owner ${state.ownerPid} is gone)`);
      await destroyLabByPrefix(state.prefix);
    }
  }
}

interface Started {
  pid: number;
  logFile: string;
  what: string;
}

function startInNamespace(netns: string, command: string, args: readonly string[], logFile: string, what: string): Started {
  const fd = openSync(logFile, 'a');
  try {
    // Detached and with its output in a file: the device outlives a persistent lab's builder, and
    // never dies of a closed pipe.
    const child = spawn('ip', ['netns', 'exec', netns, command, ...args], { stdio: ['ignore', fd, fd], detached: true });
    if (child.pid === undefined) throw new Error(`could not start ${what}`);
    child.on('error', () => { /* reported by waitReady through the log */ });
    child.unref();
    return { pid: child.pid, logFile, what };
  } finally {
    closeSync(fd);
  }
}

async function waitReady(started: Started): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const text = existsSync(started.logFile) ? readFileSync(started.logFile, 'utf8') : '';
    if (/^ready$/m.test(text)) return;
    if (!isAlive(started.pid) || Date.now() > deadline) {
      throw new Error(`lab: ${started.what} did not start: ${text.trim().slice(-500) || '(no output)'}`);
    }
    await new Promise((r) => setTimeout(r, 15));
  }
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0 && line !== 'ready');
  } catch {
    return [];
  }
}

export async function createLab(topology: LabTopology, options: CreateLabOptions): Promise<Lab> {
  const { prefix } = options;
  const log = options.log ?? (() => undefined);
  checkPrefix(prefix);
  validateTopology(topology);
  assertRoot();

  await sweepOrphans(log);
  if ((await namespacesWithPrefix(prefix)).length > 0 || readState(prefix)) {
    log(`removing an earlier lab with prefix ${prefix}`);
    await destroyLabByPrefix(prefix);
  }

  const hosts = hostsOf(topology);
  const sw = `${prefix}sw`;
  const scanNs = `${prefix}scan`;
  const nsOf = (name: string): string => `${prefix}${name}`;
  const namespaces = [sw, scanNs, ...hosts.map((host) => nsOf(host.name))];
  const state: LabState = {
    prefix, ownerPid: process.pid, persistent: options.persistent ?? false,
    createdAt: new Date().toISOString(), namespaces, pids: [],
  };
  writeState(state);

  let exitHook: (() => void) | undefined;
  const signalHooks = new Map<NodeJS.Signals, () => void>();
  const unhook = (): void => {
    if (exitHook) process.off('exit', exitHook);
    for (const [signal, hook] of signalHooks) process.off(signal, hook);
  };
  if (!state.persistent) {
    exitHook = () => destroySync(prefix, state.pids, namespaces);
    process.on('exit', exitHook);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]) {
      const hook = (): void => {
        destroySync(prefix, state.pids, namespaces);
        process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
      };
      signalHooks.set(signal, hook);
      process.once(signal, hook);
    }
  }

  try {
    await wire(topology, hosts, { sw, scanNs, nsOf });
    const started = startDevices(hosts, nsOf, labDir(prefix));
    state.pids = started.map((s) => s.pid);
    writeState(state);
    await Promise.all(started.map(waitReady));
    log(`lab ${prefix}: ${hosts.length} devices, ${started.length} service processes`);
  } catch (error) {
    unhook();
    await destroyLabByPrefix(prefix).catch(() => destroySync(prefix, state.pids, namespaces));
    throw error;
  }

  let destroyed = false;
  return {
    prefix,
    topology,
    scannerNamespace: scanNs,
    namespaceOf(hostName: string): string {
      if (!hosts.some((host) => host.name === hostName)) throw new Error(`lab ${prefix}: no host named ${hostName}`);
      return nsOf(hostName);
    },
    contacts(hostName: string): string[] {
      return readLines(path.join(labDir(prefix), `${hostName}.log`)).concat(readLines(path.join(labDir(prefix), `${hostName}.arp.log`)));
    },
    async flushScannerNeighbours(): Promise<void> {
      await ip(['-n', scanNs, 'neigh', 'flush', 'all']);
    },
    async destroy(): Promise<void> {
      if (destroyed) return;
      destroyed = true;
      unhook();
      await destroyLabByPrefix(prefix);
    },
  };
}

interface Names {
  sw: string;
  scanNs: string;
  nsOf: (name: string) => string;
}

/** Namespaces, veth pairs, bridges, addresses and routes. */
async function wire(topology: LabTopology, hosts: ReturnType<typeof hostsOf>, names: Names): Promise<void> {
  const { sw, scanNs, nsOf } = names;
  const lanLength = prefixLengthOf(topology.lan);
  const routedLength = topology.routed ? prefixLengthOf(topology.routed.network) : 0;
  const router = hosts.find((host) => host.ip === topology.gateway);

  const root: string[] = [`netns add ${sw}`, `netns add ${scanNs}`, ...hosts.map((host) => `netns add ${nsOf(host.name)}`)];
  const swLines: string[] = ['link add br0 type bridge', 'link set br0 up'];
  if (topology.routed) swLines.push('link add br1 type bridge', 'link set br1 up');

  // Each veth is created with its ends already in their namespaces: no name ever lands in the
  // host's own namespace, where "eth0" exists.
  let port = 0;
  const plug = (netns: string, ifname: string, mac: string, bridge: 'br0' | 'br1'): void => {
    port += 1;
    root.push(`link add ${ifname} address ${mac} netns ${netns} type veth peer name p${port} netns ${sw}`);
    swLines.push(`link set p${port} master ${bridge}`, `link set p${port} up`);
  };
  plug(scanNs, 'eth0', topology.scanner.mac, 'br0');
  for (const host of hosts) plug(nsOf(host.name), 'eth0', host.mac, host.segment === 'routed' ? 'br1' : 'br0');
  // The router's leg on the routed subnet gets a derived, locally administered MAC.
  if (router && topology.routed) plug(nsOf(router.name), 'eth1', `02${router.mac.slice(2)}`, 'br1');

  await ipBatch(root);
  await ipBatch(swLines, { netns: sw });

  const perNamespace: Array<Promise<void>> = [];
  perNamespace.push(ipBatch([
    `addr add ${topology.scanner.ip}/${lanLength} dev eth0`, 'link set lo up', 'link set eth0 up',
    ...(topology.gateway ? [`route add default via ${topology.gateway}`] : []),
  ], { netns: scanNs }));
  for (const host of hosts) {
    const netns = nsOf(host.name);
    const routed = host.segment === 'routed';
    const lines = [`addr add ${host.ip}/${routed ? routedLength : lanLength} dev eth0`, 'link set lo up', 'link set eth0 up'];
    if (host === router && topology.routed) {
      lines.push(`addr add ${topology.routed.gatewayIp}/${routedLength} dev eth1`, 'link set eth1 up');
    } else if (routed && topology.routed) {
      lines.push(`route add default via ${topology.routed.gatewayIp}`);
    } else if (topology.gateway) {
      lines.push(`route add default via ${topology.gateway}`);
    }
    perNamespace.push(ipBatch(lines, { netns }));
    if (host === router && topology.routed) perNamespace.push(sysctlIn(netns, { 'net.ipv4.ip_forward': '1' }));
    if (host.slowArpMs !== undefined) {
      // 8 = never answer ARP: the raw-socket responder (slow-arp.py) answers instead, late.
      perNamespace.push(sysctlIn(netns, { 'net.ipv4.conf.all.arp_ignore': '8', 'net.ipv4.conf.eth0.arp_ignore': '8' }));
    }
  }
  await Promise.all(perNamespace);

  // Only a lab whose links are all up is ready: see waitForLinksUp.
  await Promise.all([
    waitForLinksUp(scanNs, ['eth0']),
    ...hosts.map((host) => waitForLinksUp(nsOf(host.name), host === router && topology.routed ? ['eth0', 'eth1'] : ['eth0'])),
  ]);
}

function startDevices(hosts: ReturnType<typeof hostsOf>, nsOf: (name: string) => string, dir: string): Started[] {
  const started: Started[] = [];
  const deviceScript = path.join(PROJECT_ROOT, 'lab', 'services', 'device.js');
  const slowArpScript = path.join(PROJECT_ROOT, 'lab', 'slow-arp.py');
  hosts.forEach((host: LabHost, index) => {
    if (host.services && host.services.length > 0) {
      const config = { ip: host.ip, uuid: `5ab1ab00-0000-4000-8000-${index.toString(16).padStart(12, '0')}`, services: host.services };
      started.push(startInNamespace(nsOf(host.name), process.execPath, [deviceScript, JSON.stringify(config)],
        path.join(dir, `${host.name}.log`), `services of ${host.name}`));
    }
    if (host.slowArpMs !== undefined) {
      started.push(startInNamespace(nsOf(host.name), 'python3', [slowArpScript, 'eth0', host.ip, host.mac, String(host.slowArpMs)],
        path.join(dir, `${host.name}.arp.log`), `slow ARP responder of ${host.name}`));
    }
  });
  return started;
}
