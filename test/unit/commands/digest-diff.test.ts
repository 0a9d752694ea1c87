import { diffScans, hostChanges, isUnchanged } from '../../../src/commands/digest-diff';
import { diffSummary } from '../../../src/commands/digest-report';
import { finding, host, scanOf, tplinkHost } from '../store/fixtures';

const router = tplinkHost('10.20.0.1', { gateway: true, openPorts: [80, 7777], model: 'TL-WR841N' });
const laptop = host('10.20.0.20', { openPorts: [22] });
const printer = host('10.20.0.31', { vendor: 'Brother Industries, LTD.', openPorts: [80, 631] });
const xlogin = finding('quad7-xlogin-shell', '10.20.0.1', 'critical');
const family = finding('tplink-family-device', '10.20.0.1', 'low');
const before = scanOf([router, laptop, printer], [xlogin, family]);

describe('diff of two scans', () => {
  it('finds nothing when nothing changed (order of hosts and findings does not matter)', () => {
    const after = scanOf([printer, router, laptop], [family, xlogin], { startedAt: '2025-06-02T08:00:00.000Z' });
    const diff = diffScans(before, after);
    expect(diff).toEqual({ newHosts: [], goneHosts: [], changedHosts: [], newTplink: [], openedFindings: [], resolvedFindings: [], partial: false });
    expect(isUnchanged(diff)).toBe(true);
    expect(diffSummary(diff)).toBe('no change');
  });

  it('lists new devices and devices gone, sorted by address', () => {
    const phone = host('10.20.0.7', { mac: 'da:a1:19:00:00:07', vendor: null, randomizedMac: true });
    const nas = host('10.20.0.100', { vendor: 'Synology Incorporated' });
    const after = scanOf([nas, router, phone], [xlogin, family]);
    const diff = diffScans(before, after);
    expect(diff.newHosts).toEqual([phone, nas]);
    expect(diff.goneHosts).toEqual([laptop, printer]);
    expect(diff.changedHosts).toEqual([]);
    expect(diff.newTplink).toEqual([]);
    expect(diffSummary(diff)).toBe('2 new devices, 2 gone');
  });

  it('names each change of MAC, vendor and open ports', () => {
    const swapped = { ...laptop, mac: '00:06:5b:00:00:99' };
    const reflashed = { ...printer, vendor: 'HP Inc.', openPorts: [80, 9100] };
    const opened = { ...router, openPorts: [80, 7777, 11288, 23] };
    const diff = diffScans(before, scanOf([opened, swapped, reflashed], [xlogin, family]));
    expect(diff.changedHosts.map((c) => [c.ip, c.changes])).toEqual([
      ['10.20.0.1', ['ports opened 23, 11288']],
      ['10.20.0.20', ['MAC 00:06:5b:00:00:14 → 00:06:5b:00:00:99']],
      ['10.20.0.31', ['vendor Brother Industries, LTD. → HP Inc.', 'ports opened 9100', 'ports closed 631']],
    ]);
    expect(diff.changedHosts[2]?.before).toBe(printer);
    expect(diff.changedHosts[2]?.after).toBe(reflashed);
    expect(diffSummary(diff)).toBe('3 changed');
  });

  it('says "none" for a MAC that appeared or went away (a host now reached through a router)', () => {
    expect(hostChanges(laptop, { ...laptop, mac: null, vendor: null })).toEqual(['MAC 00:06:5b:00:00:14 → none', 'vendor Dell Inc. → none']);
  });

  it('lists new TP-Link family devices: new ones, and known ones now recognised as TP-Link', () => {
    const camera = tplinkHost('10.20.0.12', { vendor: 'TP-Link Systems Inc', model: 'Tapo C200' });
    const recognised = { ...laptop, tplink: true, model: 'Tapo C210' };
    const diff = diffScans(before, scanOf([router, recognised, printer, camera], [xlogin, family]));
    expect(diff.newTplink).toEqual([camera, recognised]);
    expect(diff.newHosts).toEqual([camera]);
    expect(diff.changedHosts).toEqual([]); // tplink flag alone is not a MAC/vendor/ports change
    expect(diffSummary(diff)).toBe('1 new device (1 TP-Link), 1 device now seen as TP-Link');
  });

  it('opens and resolves findings by (finding id, address), most severe first', () => {
    const relay = finding('quad7-socks-relay-tplink', '10.20.0.1', 'high');
    const telnet = finding('telnet-on-router', '10.20.0.1', 'medium');
    const sameIdOtherHost = finding('tplink-family-device', '10.20.0.31', 'low');
    const after = scanOf([router, laptop, printer], [telnet, family, sameIdOtherHost, relay]);
    const diff = diffScans(before, after);
    expect(diff.openedFindings).toEqual([relay, telnet, sameIdOtherHost]);
    expect(diff.resolvedFindings).toEqual([xlogin]);
    expect(diffSummary(diff)).toBe('findings: 3 opened, 1 resolved');
  });

  it('does not call hosts gone, nor their findings resolved, when the newer scan was cut short', () => {
    const after = scanOf([laptop, printer], [], { partial: true });
    const diff = diffScans(before, after);
    expect(diff.partial).toBe(true);
    expect(diff.goneHosts).toEqual([]);
    expect(diff.resolvedFindings).toEqual([]);
    // …but a finding on a host it did reach is resolved.
    const reached = diffScans(before, scanOf([router], [family], { partial: true }));
    expect(reached.resolvedFindings).toEqual([xlogin]);
  });

  it('puts it all in one summary line', () => {
    const camera = tplinkHost('10.20.0.12');
    const after = scanOf([{ ...router, openPorts: [80] }, camera], [family, finding('tplink-family-device', '10.20.0.12', 'low')]);
    expect(diffSummary(diffScans(before, after))).toBe('1 new device (1 TP-Link), 2 gone, 1 changed; findings: 1 opened, 1 resolved');
  });
});
