import path from 'node:path';
import { PROJECT_ROOT, describeLab, runInScanner, withLab } from '../support/lab';
import { sprayEvents, writeEntraLog } from '../support/signin-logs';
import { newTempDir } from '../support/temp-dir';
import { infectedRouter, tinyLab, workstation } from '../support/topologies';

/**
 * The full audit: the scan of the bot's own network and the spray check of SPRAY_LOG_PATHS in one
 * report, joined where a spraying address is a device on the LAN.
 */

const BIN = path.join(PROJECT_ROOT, 'bin', 'router-audit.js');

const TOPOLOGY = tinyLab(infectedRouter({ kind: 'socks5', port: 11288 }), workstation({ expect: { tplink: false } }));

interface AuditJson {
  targets: string[];
  hosts: Array<{ ip: string; tplink: boolean }>;
  findings: Array<{ id: string; severity: string; ip: string }>;
  spray: { events: number; findings: Array<{ id: string; severity: string; ip: string; evidence: string }> };
  advice: Array<{ id: string }>;
}

describeLab('router-audit audit (scan + spray logs)', () => {
  const handle = withLab(TOPOLOGY, __filename);
  const dir = newTempDir('ra-audit-');
  // The infected router sprays the tenant: Quad7's whole point.
  const logs = writeEntraLog(path.join(dir, 'signins.ndjson'), sprayEvents('10.77.0.1', 15, new Date('2026-11-19T08:00:00Z'), 'user4@contoso.com'));

  it('joins both halves: the spraying address is the router with the Quad7 shell', async () => {
    const result = await runInScanner(handle.lab, process.execPath, [BIN, 'audit', '--json'], {
      env: { ...process.env, SCAN_ALLOW: '10.77.0.0/24', SPRAY_LOG_PATHS: logs },
    });
    expect(result.code).toBe(1);
    const audit = JSON.parse(result.stdout) as AuditJson;
    expect(audit.targets).toEqual(['10.77.0.0/24']);
    expect(audit.findings.map((f) => `${f.id}@${f.ip}`)).toContain('quad7-xlogin-shell@10.77.0.1');
    expect(audit.spray.events).toBe(16);
    const joined = audit.spray.findings.find((f) => f.id === 'spray-source-on-lan');
    expect(joined).toMatchObject({ ip: '10.77.0.1' });
    expect(joined?.evidence).toContain('Quad7');
    expect(audit.spray.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['spray-single-source']));
    // One advice list for both halves, router and identity items together.
    expect(audit.advice.map((a) => a.id)).toEqual(expect.arrayContaining(['router-isolate-reflash', 'identity-revoke-reset']));
  });

  it('flags sign-ins from the site\'s public address when its router shows Quad7 signs (SITE_PUBLIC_IPS)', async () => {
    const natLogs = writeEntraLog(path.join(dir, 'nat.ndjson'), [
      { at: new Date('2026-11-19T09:00:00Z'), account: 'carol@contoso.com', ip: '198.51.100.20', code: 0 },
    ]);
    const result = await runInScanner(handle.lab, process.execPath, [BIN, 'audit', '--json'], {
      env: { ...process.env, SCAN_ALLOW: '10.77.0.0/24', SPRAY_LOG_PATHS: natLogs, SITE_PUBLIC_IPS: '198.51.100.20' },
    });
    const audit = JSON.parse(result.stdout) as AuditJson;
    const flagged = audit.spray.findings.find((f) => f.id === 'spray-signin-from-quad7-site');
    expect(flagged).toMatchObject({ ip: '198.51.100.20' });
    expect(flagged?.evidence).toContain('10.77.0.1');
    // Without the setting the public address means nothing to the bot.
    const without = await runInScanner(handle.lab, process.execPath, [BIN, 'audit', '--json'], {
      env: { ...process.env, SCAN_ALLOW: '10.77.0.0/24', SPRAY_LOG_PATHS: natLogs, SITE_PUBLIC_IPS: '' },
    });
    expect((JSON.parse(without.stdout) as AuditJson).spray.findings).toEqual([]);
  });

  it('still gives the spray half when the network may not be scanned, and says why', async () => {
    const result = await runInScanner(handle.lab, process.execPath, [BIN, 'audit'], {
      env: { ...process.env, SCAN_ALLOW: '192.168.0.0/16', SPRAY_LOG_PATHS: logs },
    });
    expect(result.stdout).toContain('Not scanned: Refused 10.77.0.0/24');
    expect(result.stdout).toContain('PASSWORD SPRAY');
  });

  it('is the scan alone when no logs are configured', async () => {
    const result = await runInScanner(handle.lab, process.execPath, [BIN, 'audit', '--json'], {
      env: { ...process.env, SCAN_ALLOW: '10.77.0.0/24', SPRAY_LOG_PATHS: '' },
    });
    const audit = JSON.parse(result.stdout) as Partial<AuditJson>;
    expect(audit.spray).toBeUndefined();
    expect(audit.hosts?.map((h) => h.ip)).toEqual(['10.77.0.1', '10.77.0.20']);
  });
});
