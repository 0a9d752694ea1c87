import { scanReport, scanSummary } from '../../../src/commands/scan-report';
import { toCsv } from '../../../src/commands/format';
import { renderText } from '../../../src/bot/terminal/render';
import type { ScanResult } from '../../../src/scanner/report-types';

const result: ScanResult = {
  targets: ['10.77.0.0/24'],
  startedAt: '2026-11-23T10:00:00.000Z',
  durationMs: 1234,
  hosts: [
    { ip: '10.77.0.10', mac: 'a6:00:00:00:00:01', vendor: null, tplink: false, randomizedMac: true, gateway: false, openPorts: [], model: null },
    { ip: '10.77.0.1', mac: '14:75:90:00:00:01', vendor: 'TP-LINK TECHNOLOGIES CO.,LTD.', tplink: true, randomizedMac: false, gateway: true, openPorts: [23, 7777], model: '=cmd|calc' },
  ],
  findings: [
    { id: 'quad7-xlogin-shell', severity: 'critical', ip: '10.77.0.1', title: 'Quad7 shell', evidence: 'TCP 7777 greets with "xlogin: "', advice: ['router-isolate-reflash'] },
    { id: 'telnet-on-router', severity: 'medium', ip: '10.77.0.1', title: 'Telnet', evidence: 'open', advice: [] },
  ],
  advice: [{ id: 'router-isolate-reflash', title: 'Reflash', text: 'Do it.', url: 'https://example.org/a' }],
};

describe('scan report', () => {
  it('summarises hosts, family devices and findings by severity', () => {
    expect(scanSummary(result)).toBe('10.77.0.0/24: 2 hosts, 1 TP-Link family device; findings: 1 critical, 1 medium in 1.2 s');
  });

  it('marks a partial scan everywhere a reader looks', () => {
    const report = scanReport({ ...result, partial: true });
    expect(report.outcome).toBe('partial');
    expect(report.title).toMatch(/^Partial scan/);
    expect(report.summary).toContain('partial');
  });

  it('sorts hosts by address and names the host behind each finding', () => {
    const report = scanReport(result);
    const table = report.sections.find((s) => s.kind === 'table');
    expect(table?.kind === 'table' && table.rows.map((r) => r[0])).toEqual(['10.77.0.1', '10.77.0.10']);
    const findings = report.sections.find((s) => s.kind === 'findings');
    expect(findings?.kind === 'findings' && findings.findings[0]?.subject).toBe('10.77.0.1 (TP-LINK TECHNOLOGIES CO.,LTD., =cmd|calc, gateway)');
    expect(report.highestSeverity).toBe('critical');
    expect(report.json).toBe(result);
  });

  it('neutralises spreadsheet formulas in the CSV attachment', () => {
    const csv = scanReport(result).attachments.find((a) => a.filename === 'hosts.csv')?.data as string;
    expect(csv).toContain("'=cmd|calc");
    expect(toCsv(['a'], [['x,"y"']])).toBe('a\r\n"x,""y"""\r\n');
  });

  it('renders an nmap-like table and the findings on the terminal', () => {
    const text = renderText(scanReport(result));
    expect(text).toMatch(/IP\s+MAC\s+VENDOR\s+FLAGS\s+OPEN PORTS\s+MODEL/);
    expect(text).toMatch(/10\.77\.0\.1\s+14:75:90:00:00:01\s+TP-LINK TECHNOLOGIES CO\.,LTD\.\s+gateway TP-Link\s+23,7777/);
    expect(text).toMatch(/CRITICAL\s+10\.77\.0\.1/);
    expect(text).toContain('https://example.org/a');
  });

  it('keeps terminal control sequences from the network off the screen', () => {
    const hostile = { ...result, findings: [{ ...result.findings[0]!, evidence: 'banner \x1b[2J\x1b]0;pwned\x07' }] };
    expect(renderText(scanReport(hostile))).not.toContain('\x1b');
  });
});
