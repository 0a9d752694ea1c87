import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { entraScenario, graphRecord, rng } from '../../../scripts/gen-spray-fixtures';
import { analyseSprayLogs, SprayUsageError } from '../../../src/spray';
import { fixture, tempDir } from './helpers';

describe('analyseSprayLogs', () => {
  it('reads a directory as its files, and reports a missing path without stopping', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.ndjson'), `${JSON.stringify({ createdDateTime: '2024-10-02T09:00:00Z', userPrincipalName: 'a@contoso.com', ipAddress: '198.51.100.1', status: { errorCode: 0 } })}\n`);
    writeFileSync(path.join(dir, '.hidden'), 'ignored');
    const warnings: object[] = [];
    const report = await analyseSprayLogs([dir, '/nonexistent/file.log', fixture('auth.log')], {
      logger: { warn: (details) => warnings.push(details) },
      now: new Date('2024-06-01T00:00:00Z'),
    });
    expect(report.inputs.map((i) => [path.basename(i.path), i.error ?? 'ok'])).toEqual([['a.ndjson', 'ok'], ['file.log', 'file not found'], ['auth.log', 'ok']]);
    expect(report.events).toBe(11);
    expect(warnings).toEqual(expect.arrayContaining([expect.objectContaining({ path: '/nonexistent/file.log', error: 'file not found' })]));
  });

  it('refuses an unknown format or an incomplete column map before reading anything', async () => {
    await expect(analyseSprayLogs([fixture('auth.log')], { format: 'cef' })).rejects.toThrow(SprayUsageError);
    await expect(analyseSprayLogs([fixture('generic.csv')], { columnMap: { time: 'when', account: '', result: 'outcome' } })).rejects.toThrow(/column map needs account/);
  });

  it('returns a partial report when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const report = await analyseSprayLogs([fixture('entra.ndjson')], { signal: controller.signal });
    expect(report.partial).toBe(true);
    expect(report.events).toBe(0);
  });

  it('streams a multi-megabyte file and still finds the attacks in it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.ndjson');
    const out = createWriteStream(file);
    const random = rng(7);
    const scenario = entraScenario({ seed: 9, users: 400, days: 14 });
    let bytes = 0;
    for (const signIn of scenario.signIns) {
      const line = `${JSON.stringify(graphRecord(signIn, random))}\n`;
      bytes += line.length;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    expect(bytes).toBeGreaterThan(10 * 1024 * 1024);
    const report = await analyseSprayLogs([file]);
    expect(report.events).toBe(scenario.signIns.length);
    expect(report.inputs[0]).toMatchObject({ fastPath: true, malformed: 0 });
    expect(report.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['spray-single-source', 'spray-distributed', 'spray-success-after-spray', 'spray-brute-force', 'spray-enumeration']));
  });
});
