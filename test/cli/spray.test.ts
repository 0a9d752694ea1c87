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

describe('router-audit spray without WebAssembly', () => {
  const dir = newTempDir('ra-cli-spray-wasm-');
  const log = writeEntraLog(path.join(dir, 'signins.ndjson'), sprayEvents('203.0.113.50', 12, new Date('2026-11-19T08:00:00Z'), 'user3@contoso.com'));
  // two inputs: the warning is still given once
  const second = path.join(dir, 'signins-2.ndjson');
  writeFileSync(second, readFileSync(log));
  const report = (stdout: string): unknown => {
    const { startedAt: _started, durationMs: _duration, ...rest } = JSON.parse(stdout) as Record<string, unknown>;
    return rest;
  };
  /** The CLI with a script loaded first that takes something away from the process. */
  const runWith = (name: string, preload: string) => {
    const file = path.join(dir, `${name}.js`);
    writeFileSync(file, preload);
    return spawnSync(process.execPath, ['--require', file, BIN, 'spray', log, second, '--json'], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, SPRAY_LOG_PATHS: '' } });
  };

  it('gives the same report when WebAssembly memory cannot be had or the module is missing, with one warning', () => {
    const normal = run(['spray', log, second, '--json']);
    expect(normal.status).toBe(1); // the spray is found
    expect(normal.stderr).not.toContain('WebAssembly');

    const noMemory = runWith('no-memory', `WebAssembly.Memory = function () { throw new RangeError('could not allocate memory'); };\n`);
    expect(noMemory.status).toBe(1);
    expect(report(noMemory.stdout)).toEqual(report(normal.stdout));
    expect(noMemory.stderr.match(/WebAssembly memory unavailable \(could not allocate memory\)/g)).toHaveLength(1);

    const noModule = runWith('no-module', [
      "const fs = require('node:fs');",
      'const read = fs.readFileSync;',
      "fs.readFileSync = function (file, ...rest) { if (String(file).endsWith('json-fields.wasm')) throw new Error('ENOENT: no such file'); return read.call(this, file, ...rest); };",
      '',
    ].join('\n'));
    expect(noModule.status).toBe(1);
    expect(report(noModule.stdout)).toEqual(report(normal.stdout));
    expect(noModule.stderr.match(/json-fields\.wasm cannot run \(ENOENT: no such file\)/g)).toHaveLength(1);
  });
});
