import { vendorMac } from '../../../lab/macs';
import type { LabTopology } from '../../../lab/topology';

/** A two-device LAN for digest tests: small, so a scan of its /27 is quick. */
export function digestLab(octet: number): LabTopology {
  const net = `10.${octet}.0`;
  return {
    lan: `${net}.0/24`,
    scanner: { ip: `${net}.2`, mac: `02:00:00:${octet.toString(16).padStart(2, '0')}:00:02` },
    gateway: `${net}.1`,
    hosts: [
      {
        name: 'rtr', ip: `${net}.1`, mac: vendorMac('TP-LINK TECHNOLOGIES CO.,LTD.', octet * 256 + 1), role: 'TP-Link router with the Quad7 shell',
        services: [{ kind: 'banner', port: 7777, banner: 'xlogin:' }],
        expect: { tplink: true, findings: ['quad7-xlogin-shell'] },
      },
      { name: 'ws', ip: `${net}.20`, mac: vendorMac('Dell Inc.', octet * 256 + 20), role: 'workstation', expect: { tplink: false } },
    ],
  };
}
