import type { LabHost, LabService, LabTopology } from '../../lab/topology';

/**
 * The tiny lab that CLI and end-to-end tests scan: 10.77.0.0/24 with the scanner at .2 and, as the
 * default gateway at .1, a TP-Link router (by its MAC) carrying the Quad7 xlogin shell on 7777.
 * Tests add what else they need; what the scan must conclude is in each host's `expect`.
 */

const TINY_LAN = '10.77.0.0/24';

/** The infected router at 10.77.0.1; `extra` services run on it next to the xlogin shell. */
export function infectedRouter(...extra: LabService[]): LabHost {
  return {
    name: 'rtr', ip: '10.77.0.1', mac: '00:0a:eb:00:00:01', role: 'infected TP-Link router',
    services: [{ kind: 'banner', port: 7777, banner: 'xlogin:' }, ...extra],
    expect: { tplink: true, findings: ['quad7-xlogin-shell'] },
  };
}

/** A Dell workstation at 10.77.0.20; the test says what it runs and what the scan must make of it. */
export function workstation(details: Omit<LabHost, 'name' | 'ip' | 'mac'>): LabHost {
  return { name: 'ws', ip: '10.77.0.20', mac: '00:06:5b:00:00:20', ...details };
}

/** The tiny lab with `router` as its default gateway and `others` beside it. */
export function tinyLab(router: LabHost, ...others: LabHost[]): LabTopology {
  return {
    lan: TINY_LAN,
    scanner: { ip: '10.77.0.2', mac: '02:00:00:00:00:02' },
    gateway: router.ip,
    hosts: [router, ...others],
  };
}
