import { randomizedMac, vendorMac } from './macs';
import type { LabHost, LabTopology } from './topology';

/**
 * The demo LAN (`npm run lab`, the lab tests): a small office on 10.77.0.0/24 whose TP-Link
 * router carries the Quad7 implant, a few more TP-Link family devices, look-alikes that must not
 * be flagged, and two servers on 10.78.0.0/24 behind the router.
 */

const TPLINK = 'TP-LINK TECHNOLOGIES CO.,LTD.';
const TPLINK_SYSTEMS_DOT = 'TP-Link Systems Inc.';
const TPLINK_SYSTEMS = 'TP-Link Systems Inc';
const MERCUSYS = 'MERCUSYS TECHNOLOGIES CO., LTD.';

const TELNET_GREETING = '\xff\xfd\x18\xff\xfd\x20\xff\xfd\x23\xff\xfd\x27\r\nTL-WR841N login: ';

const hosts: LabHost[] = [
  {
    name: 'rtr', ip: '10.77.0.1', mac: vendorMac(TPLINK, 0x0001), role: 'TP-Link router with the Quad7 implant (default gateway)',
    services: [
      { kind: 'http', port: 80, title: 'TL-WR841N', server: 'TP-LINK HTTPD/1.0' },
      { kind: 'banner', port: 23, banner: TELNET_GREETING },
      { kind: 'banner', port: 7777, banner: 'xlogin:' },
      { kind: 'socks5', port: 11288 },
    ],
    expect: { tplink: true, findings: ['quad7-xlogin-shell', 'quad7-socks-relay-tplink', 'telnet-on-router', 'tplink-kev-model', 'tplink-family-device'] },
  },
  {
    name: 'ap', ip: '10.77.0.10', mac: vendorMac(TPLINK_SYSTEMS_DOT, 0x0010), role: 'TP-Link access point (UPnP: Archer C7)',
    services: [
      { kind: 'upnp', deviceType: 'urn:schemas-wifialliance-org:device:WFADevice:1', manufacturer: 'TP-Link', modelName: 'Archer C7', modelNumber: '5.0' },
      { kind: 'http', port: 80, title: 'Opening...', server: 'TP-LINK HTTPD/1.0' },
    ],
    expect: { tplink: true, findings: ['tplink-kev-model', 'tplink-family-device'] },
  },
  {
    name: 'mercusys', ip: '10.77.0.11', mac: vendorMac(MERCUSYS, 0x0011), role: 'Mercusys extender (TP-Link brand)',
    services: [{ kind: 'http', port: 80, title: 'MERCUSYS ME30' }],
    expect: { tplink: true, findings: ['tplink-family-device'] },
  },
  {
    name: 'camera', ip: '10.77.0.12', mac: vendorMac(TPLINK_SYSTEMS, 0x0012), role: 'Tapo camera (registrant without the final dot)',
    services: [{ kind: 'https', port: 443, title: 'Tapo C200' }],
    expect: { tplink: true, findings: ['tplink-family-device'] },
  },
  {
    name: 'ws', ip: '10.77.0.20', mac: vendorMac('Dell Inc.', 0x0020), role: 'workstation with SSH on 7777 (benign)',
    services: [{ kind: 'banner', port: 7777, banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n' }],
    expect: { tplink: false, findings: ['port-7777-other-service'] },
  },
  {
    name: 'asus', ip: '10.77.0.21', mac: vendorMac('ASUSTek COMPUTER INC.', 0x0021), role: 'ASUS router with the alogin shell',
    services: [{ kind: 'banner', port: 63256, banner: 'alogin' }],
    expect: { tplink: false, findings: ['quad7-alogin-shell'] },
  },
  {
    name: 'nas', ip: '10.77.0.30', mac: vendorMac('Synology Incorporated', 0x0030), role: 'NAS with a web interface',
    services: [
      { kind: 'http', port: 80, title: 'Synology DiskStation', server: 'nginx' },
      { kind: 'https', port: 443, title: 'Synology DiskStation', server: 'nginx' },
    ],
    expect: { tplink: false },
  },
  {
    name: 'printer', ip: '10.77.0.31', mac: vendorMac('Brother Industries, LTD.', 0x0031), role: 'printer',
    services: [{ kind: 'http', port: 80, title: 'Brother HL-L2350DW', server: 'debut/1.30' }],
    expect: { tplink: false },
  },
  {
    name: 'phone', ip: '10.77.0.40', mac: randomizedMac(0x0040), role: 'phone with a randomised MAC, nothing open',
    expect: { tplink: false },
  },
  {
    name: 'tapo', ip: '10.77.0.41', mac: randomizedMac(0x0041), role: 'Tapo camera with a randomised MAC, named by UPnP',
    services: [{ kind: 'upnp', deviceType: 'urn:schemas-upnp-org:device:Basic:1', manufacturer: 'TP-Link', modelName: 'Tapo C210', modelNumber: '2.0' }],
    expect: { tplink: true, findings: ['tplink-family-device'] },
  },
  {
    name: 'sleepy', ip: '10.77.0.50', mac: vendorMac('Espressif Inc.', 0x0050), role: 'IoT device in Wi-Fi power save: answers ARP after 500 ms',
    slowArpMs: 500,
    expect: { tplink: false },
  },
  {
    name: 'srv1', ip: '10.78.0.10', mac: vendorMac('Super Micro Computer, Inc.', 0x0110), segment: 'routed', role: 'server behind the router (HTTP on 8080)',
    services: [{ kind: 'http', port: 8080, title: 'intranet', server: 'Apache' }],
    expect: { tplink: false },
  },
  {
    name: 'srv2', ip: '10.78.0.20', mac: vendorMac('Super Micro Computer, Inc.', 0x0120), segment: 'routed', role: 'server behind the router (all ports closed)',
    expect: { tplink: false },
  },
];

export const DEMO_TOPOLOGY: LabTopology = {
  lan: '10.77.0.0/24',
  scanner: { ip: '10.77.0.2', mac: '02:00:00:77:00:02' },
  gateway: '10.77.0.1',
  routed: { network: '10.78.0.0/24', gatewayIp: '10.78.0.1' },
  hosts,
};

/** The targets that cover the demo lab, as a user would type them. */
export const DEMO_TARGETS = ['10.77.0.0/24', '10.78.0.0/24'] as const;

/** The fixed prefix of the lab `npm run lab` builds. */
export const DEMO_PREFIX = 'ralab-';
