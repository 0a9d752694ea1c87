import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { sprayEvents, writeEntraLog } from '../support/signin-logs';
import { newTempDir } from '../support/temp-dir';

/** `router-audit spray FILE… [--format F] [--since …] [--json]` as a user runs it. */

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'router-audit.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, SPRAY_LOG_PATHS: '' } });

const sprayJsonSchema = z.object({
  startedAt: z.iso.datetime(),
  durationMs: z.number(),
  spray: z.object({
    events: z.number(),
    malformed: z.number(),
    inputs: z.array(z.object({ path: z.string(), format: z.string(), events: z.number(), malformed: z.number() }).loose()),
    findings: z.array(z.object({
      id: z.string(),
      severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
      ip: z.string(),
      title: z.string(),
      window: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }),
      sources: z.array(z.string()),
      accountsTargeted: z.number(),
      accounts: z.array(z.string()),
      evidence: z.string(),
      advice: z.array(z.string()),
    }).loose()),
  }).loose(),
  advice: z.array(z.object({ id: z.string(), title: z.string(), text: z.string(), url: z.url() })),
});

describe('router-audit spray', () => {
  const dir = newTempDir('ra-cli-spray-');
  const log = writeEntraLog(path.join(dir, 'signins.ndjson'), sprayEvents('203.0.113.50', 12, new Date('2026-11-19T08:00:00Z'), 'user3@contoso.com'), [
    '{"createdDateTime": "2026-11-19T09:00:00Z", "userPrincipalName": ',
    'not json at all',
  ]);

  it('prints one JSON document with the spray section and exits 1 for a critical finding', () => {
    const result = run(['spray', log, '--json']);
    expect(result.status).toBe(1);
    const document = sprayJsonSchema.parse(JSON.parse(result.stdout));
    expect(document.spray.events).toBe(13);
    expect(document.spray.malformed).toBe(2);
    expect(document.spray.inputs).toEqual([expect.objectContaining({ path: log, format: 'entra/ndjson', events: 13, malformed: 2 })]);
    const spray = document.spray.findings.find((f) => f.id === 'spray-single-source');
    expect(spray).toMatchObject({ ip: '203.0.113.50', sources: ['203.0.113.50'], accountsTargeted: 12 });
    const success = document.spray.findings.find((f) => f.severity === 'critical');
    expect(success?.accounts).toEqual(['user3@contoso.com']); // names in the CLI
    expect(document.advice.map((a) => a.id)).toContain('identity-revoke-reset');
  });

  it('reads gzip and counts malformed lines without stopping', () => {
    const gz = path.join(dir, 'signins.ndjson.gz');
    writeFileSync(gz, gzipSync(readFileSync(log)));
    const result = run(['spray', gz, '--json']);
    const document = sprayJsonSchema.parse(JSON.parse(result.stdout));
    expect(document.spray.inputs[0]).toMatchObject({ events: 13, malformed: 2, gzip: true });
  });

  it('prints the human report with the malformed samples', () => {
    const result = run(['spray', log]);
    expect(result.stdout).toContain('PASSWORD SPRAY');
    expect(result.stdout).toMatch(/MALFORMED LINES \(A SAMPLE\)/);
    expect(result.stdout).toContain('signins.ndjson:14');
  });

  it('exits 0 for benign logs', () => {
    const benign = writeEntraLog(path.join(dir, 'benign.ndjson'), [
      { at: new Date('2026-11-19T08:00:00Z'), account: 'alice@contoso.com', ip: '198.51.100.7', code: 50126 },
      { at: new Date('2026-11-19T08:01:00Z'), account: 'alice@contoso.com', ip: '198.51.100.7', code: 0 },
    ]);
    const result = run(['spray', benign]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('no sign of password spray');
  });

  it('exits 2 for a missing --format value and names the problem; a missing file is reported, not fatal', () => {
    expect(run(['spray', log, '--format', 'pdf']).status).toBe(2);
    const missing = run(['spray', path.join(dir, 'nope.log'), '--json']);
    expect(missing.status).toBe(0);
    expect(JSON.parse(missing.stdout).spray.inputs[0].error).toMatch(/no such file|not found|cannot/i);
  });
});
