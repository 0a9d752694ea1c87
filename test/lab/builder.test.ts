import { spawn } from 'node:child_process';
import path from 'node:path';
import { createLab } from '../../lab/builder';
import { vendorMac } from '../../lab/macs';
import { ip, listNamespaces } from '../../lab/netns';
import { isAlive, readState } from '../../lab/state';
import type { LabTopology } from '../../lab/topology';
import { describeLab, DIST, labPrefixFor, runInScanner } from '../support/lab';

/** The lab's own promises: it cleans up before and after itself, whatever happens to its owner. */

const TINY: LabTopology = {
  lan: '10.66.0.0/24',
  scanner: { ip: '10.66.0.2', mac: '02:00:00:66:00:02' },
  hosts: [
    { name: 'dev', ip: '10.66.0.10', mac: vendorMac('TP-LINK TECHNOLOGIES CO.,LTD.', 0x6610), services: [{ kind: 'banner', port: 7777, banner: 'xlogin:' }], expect: { tplink: true } },
    { name: 'late', ip: '10.66.0.11', mac: vendorMac('Espressif Inc.', 0x6611), slowArpMs: 200, expect: { tplink: false } },
  ],
};

const namespacesOf = async (prefix: string) => (await listNamespaces()).filter((name) => name.startsWith(prefix)).sort();

/** Starts a separate Node process that builds TINY under `prefix` and prints "up". */
function ownerProcess(prefix: string) {
  const builder = path.join(DIST, 'lab', 'builder.js');
  const script = `require(${JSON.stringify(builder)}).createLab(${JSON.stringify(TINY)}, { prefix: ${JSON.stringify(prefix)} })` +
    `.then(() => { console.log('up'); setInterval(() => {}, 1000); }, (e) => { console.error(e.message); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const up = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('up')) resolve(); });
    child.on('exit', (code) => reject(new Error(`owner exited early (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, up, exited };
}

describeLab('lab builder', () => {
  it('replaces a stale lab of the same prefix, runs the services, and removes everything on destroy', async () => {
    const prefix = labPrefixFor(__filename, 'a');
    await ip(['netns', 'add', `${prefix}stale`]);
    const lab = await createLab(TINY, { prefix });
    let pids: number[] = [];
    try {
      // Ready means ready: the scanner's link is up, so Node (and discovery) sees its subnet at once.
      const interfaces = await runInScanner(lab, process.execPath, ['-e',
        'console.log(JSON.stringify((require("os").networkInterfaces().eth0 ?? []).map((a) => a.cidr)))']);
      expect(JSON.parse(interfaces.stdout)).toContain('10.66.0.2/24');
      expect(await namespacesOf(prefix)).toEqual([`${prefix}dev`, `${prefix}late`, `${prefix}scan`, `${prefix}sw`]);
      pids = readState(prefix)?.pids ?? [];
      expect(pids).toHaveLength(2);
      expect(pids.every(isAlive)).toBe(true);
      const greeting = await runInScanner(lab, process.execPath, ['-e',
        'const s=require("net").connect(7777,"10.66.0.10");s.on("data",d=>{process.stdout.write(d);s.destroy()})']);
      expect(greeting.stdout).toBe('xlogin:');
    } finally {
      await lab.destroy();
    }
    expect(await namespacesOf(prefix)).toEqual([]);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(readState(prefix)).toBeNull();
  });

  it('tears its lab down when its owner is told to stop (SIGTERM)', async () => {
    const prefix = labPrefixFor(__filename, 'b');
    const owner = ownerProcess(prefix);
    await owner.up;
    const pids = readState(prefix)?.pids ?? [];
    expect(await namespacesOf(prefix)).toHaveLength(4);
    owner.child.kill('SIGTERM');
    await owner.exited;
    expect(await namespacesOf(prefix)).toEqual([]);
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('removes the lab of an owner that died without cleaning up, the next time a lab is built', async () => {
    const orphanPrefix = labPrefixFor(__filename, 'c');
    const owner = ownerProcess(orphanPrefix);
    await owner.up;
    const pids = readState(orphanPrefix)?.pids ?? [];
    owner.child.kill('SIGKILL'); // no exit hook runs: the lab is left behind
    await owner.exited;
    expect(await namespacesOf(orphanPrefix)).toHaveLength(4);

    const next = await createLab(TINY, { prefix: labPrefixFor(__filename, 'd') });
    await next.destroy();
    expect(await namespacesOf(orphanPrefix)).toEqual([]);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
