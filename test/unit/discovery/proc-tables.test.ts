import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseProcArp } from '../../../src/scanner/discovery/proc-arp';
import { defaultGateways, parseProcRoute } from '../../../src/scanner/discovery/proc-route';

const fixture = (name: string): string => readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

describe('/proc/net/arp parser', () => {
  const entries = parseProcArp(fixture('proc-net-arp.txt'));

  it('reads every Ethernet entry and skips the header, other hardware and garbage', () => {
    expect(entries.map((e) => e.ip)).toEqual(['10.77.0.50', '10.77.0.1', '10.77.0.99', '10.77.0.40', '10.77.0.7']);
  });

  it('treats only flag 0x2 with a real MAC as an answered host', () => {
    const complete = entries.filter((e) => e.complete).map((e) => e.ip);
    expect(complete).toEqual(['10.77.0.1', '10.77.0.40', '10.77.0.7']);
  });

  it('lower-cases MACs and keeps the device', () => {
    expect(entries.find((e) => e.ip === '10.77.0.1')).toEqual({
      ip: '10.77.0.1', mac: '00:0a:eb:00:00:01', device: 'eth0', complete: true, permanent: false,
    });
  });

  it('flags permanent (hand-made) entries', () => {
    expect(entries.find((e) => e.ip === '10.77.0.7')?.permanent).toBe(true);
  });

  it('returns nothing for an empty or header-only table', () => {
    expect(parseProcArp('')).toEqual([]);
    expect(parseProcArp('IP address       HW type     Flags       HW address            Mask     Device\n')).toEqual([]);
  });
});

describe('/proc/net/route parser', () => {
  it('decodes little-endian hex addresses', () => {
    const routes = parseProcRoute(fixture('proc-net-route.txt'), 'LE');
    expect(routes[0]).toEqual({
      iface: 'eth0', destination: '0.0.0.0', gateway: '10.77.0.1', mask: '0.0.0.0', metric: 100, up: true, viaGateway: true,
    });
    expect(routes[1]).toMatchObject({ destination: '10.77.0.0', mask: '255.255.255.0', viaGateway: false });
  });

  it('decodes big-endian tables too', () => {
    const text = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\nwan\t00000000\tC0A80101\t0003\t0\t0\t0\t00000000\n';
    expect(defaultGateways(parseProcRoute(text, 'BE'))).toEqual(['192.168.1.1']);
  });

  it('lists the gateways of default routes that are up, lowest metric first', () => {
    const gateways = defaultGateways(parseProcRoute(fixture('proc-net-route.txt'), 'LE'));
    // eth2's default route is down (flags 0002); the route to 10.78.0.0/24 is not a default route.
    expect(gateways).toEqual(['192.168.1.254', '10.77.0.1']);
  });

  it('has no gateway without a default route', () => {
    const text = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\neth0\t00004D0A\t00000000\t0001\t0\t0\t0\t00FFFFFF\n';
    expect(defaultGateways(parseProcRoute(text, 'LE'))).toEqual([]);
  });

  it('skips malformed lines', () => {
    expect(parseProcRoute('header\neth0 zz 00000000 0003\n\n', 'LE')).toEqual([]);
  });
});
