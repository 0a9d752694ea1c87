import { messageReport } from '../../../src/commands/report';
import type { ScanResult } from '../../../src/scanner/report-types';
import type { SiteScanRequest, SitesService } from '../../../src/sites/types';
import { digestRig, textOf, type DigestRig } from '../schedule/digest-rig';
import { host } from '../store/fixtures';

/**
 * Digests and history with site agents: `site:` targets are kept as written, digest scans go to the
 * agents (the queue itself is tested in test/unit/sites and test/lab/sites), results are compared.
 */
class RecordingSites implements SitesService {
  readonly requests: Array<{ specs: readonly string[]; request: SiteScanRequest }> = [];
  hosts = [host('10.81.0.5', { openPorts: [22] })];

  async scan(specs: readonly string[], request: SiteScanRequest) {
    this.requests.push({ specs, request });
    const result: ScanResult = {
      targets: ['berlin:10.81.0.0/24'],
      startedAt: new Date().toISOString(),
      durationMs: 12,
      hosts: this.hosts.map((h) => ({ ...h, site: 'berlin' })),
      findings: [],
      advice: [],
    };
    return { result, joined: false, report: messageReport('Scan of berlin', 'done', 'ok', { ephemeral: false }) };
  }

  async list() {
    return [];
  }

  clock(ms: number): string {
    return new Date(ms).toISOString();
  }
}

let rig: DigestRig;
afterEach(async () => {
  await rig?.close();
});

describe('digests of sites', () => {
  it('refuses site targets when the bot has no site agents', async () => {
    rig = await digestRig('2025-06-02T12:00:00Z');
    const report = await rig.say('digest daily 08:00 site:berlin');
    expect(report.outcome).toBe('usage');
    expect(textOf(report)).toContain('site targets need site agents');
    expect(rig.runtime.store?.listDigests()).toEqual([]);
  });

  it('keeps site targets, scans at the agents without the rate limit, and compares runs', async () => {
    const sites = new RecordingSites();
    rig = await digestRig('2025-06-02T12:00:00Z', {}, { sites });
    const created = await rig.say('digest daily 08:00 site:berlin');
    expect(created.outcome).toBe('ok');
    expect(rig.runtime.store?.digest(1)).toMatchObject({ targets: ['site:berlin'], site: 'berlin' });

    const first = await rig.say('digest now 1');
    expect(first.outcome).toBe('ok');
    expect(first.summary).toContain('First digest');
    expect(sites.requests[0]).toMatchObject({ specs: ['site:berlin'], request: { requester: 'digest:1', unlimited: true } });

    sites.hosts.push(host('10.81.0.9', { openPorts: [80] }));
    const second = await rig.say('digest now 1');
    // Compared with the first run: exactly one new device, the one that appeared.
    expect(second.summary).toContain('1 new device');
    const added = second.sections.find((s) => s.heading === 'New devices');
    expect(added?.kind === 'table' && added.rows.map((r) => r[0])).toEqual(['10.81.0.9']);
    expect(rig.runner.jobs).toEqual([]); // nothing scanned in this process
  });

  it('lists a site\'s scans with history site:NAME', async () => {
    const sites = new RecordingSites();
    rig = await digestRig('2025-06-02T12:00:00Z', {}, { sites });
    await rig.say('digest daily 08:00 site:berlin');
    await rig.say('digest now 1');
    const history = await rig.say('history site:berlin');
    expect(textOf(history)).toContain('berlin:10.81.0.0/24');
    const none = await rig.say('history site:paris');
    expect(textOf(none)).toContain('No scans of site:paris');
  });
});
