import { loadContent } from '../../../src/content/load';
import { adviceFor, assessHost } from '../../../src/scanner/assess';
import type { InspectedHost, PortProbeResult } from '../../../src/scanner/types';

const content = loadContent();

const TPLINK_MAC = '14:75:90:00:00:01'; // TP-LINK TECHNOLOGIES CO.,LTD.
const INTEL_MAC = '10:51:07:00:00:02'; // Intel Corporate
const ASUS_MAC = '58:11:22:00:00:03'; // ASUSTek COMPUTER INC.
const MERCUSYS_MAC = '00:eb:d8:00:00:04';
const SYNOLOGY_MAC = '00:11:32:00:00:05';

function open(port: number, banner?: string | Buffer, extra: Partial<PortProbeResult> = {}): PortProbeResult {
  const bytes = banner === undefined ? null : Buffer.isBuffer(banner) ? banner : Buffer.from(banner, 'latin1');
  return { port, state: 'open', banner: bytes, ...extra };
}

function host(partial: Partial<InspectedHost> & { mac: string | null }): InspectedHost {
  return { ip: '10.77.0.9', gateway: false, via: 'arp', ports: [], hints: {}, ...partial };
}

function ids(h: InspectedHost): string[] {
  return assessHost(h, content).findings.map((f) => `${f.id}:${f.severity}`);
}

describe('Quad7 indicators', () => {
  it('rates the xlogin greeting on 7777 critical, with the banner as evidence', () => {
    const { findings, record } = assessHost(host({ mac: TPLINK_MAC, ports: [open(7777, 'xlogin: ')] }), content);
    const shell = findings.find((f) => f.id === 'quad7-xlogin-shell');
    expect(shell?.severity).toBe('critical');
    expect(shell?.evidence).toContain('"xlogin: "');
    expect(shell?.advice).toContain('router-isolate-reflash');
    expect(findings.map((f) => f.id)).not.toContain('port-7777-other-service');
    expect(record.openPorts).toEqual([7777]);
  });

  it('does not rate an SSH server on 7777 critical, and says what it is', () => {
    const { findings } = assessHost(host({ mac: INTEL_MAC, ports: [open(7777, 'SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')] }), content);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: 'port-7777-other-service', severity: 'low' });
    expect(findings[0]?.title).toBe('TCP 7777 is open: SSH server, not the Quad7 shell');
    expect(findings[0]?.evidence).toContain('SSH-2.0-OpenSSH_9.2p1');
  });

  it('treats a silent 7777 on a TP-Link device as medium, elsewhere as low', () => {
    expect(ids(host({ mac: TPLINK_MAC, ports: [open(7777)] }))).toContain('quad7-port-7777-silent-tplink:medium');
    expect(ids(host({ mac: INTEL_MAC, ports: [open(7777)] }))).toEqual(['port-7777-other-service:low']);
  });

  it('matches the banner on greeting bytes, not on a substring elsewhere', () => {
    expect(ids(host({ mac: INTEL_MAC, ports: [open(7777, 'welcome xlogin: ')] }))).toEqual(['port-7777-other-service:low']);
  });

  it('rates the ASUS cluster alogin greeting on 63256 critical and does not double it as an unconfirmed port', () => {
    const found = ids(host({ mac: ASUS_MAC, ports: [open(63256, 'alogin')] }));
    expect(found).toContain('quad7-alogin-shell:critical');
    expect(found).not.toContain('quad7-cluster-port:medium');
  });

  it('rates a Quad7 cluster port without a confirmed greeting medium and says so', () => {
    const { findings } = assessHost(host({ mac: INTEL_MAC, ports: [open(63210), open(3556, 'hello')] }), content);
    expect(findings.map((f) => `${f.id}:${f.severity}:${f.title}`)).toEqual([
      'quad7-cluster-port:medium:TCP 63210 is open: a port used by Quad7 clusters (greeting not confirmed)',
      'quad7-cluster-port:medium:TCP 3556 is open: a port used by Quad7 clusters (greeting not confirmed)',
    ]);
    expect(findings[0]?.evidence).toContain('not proof');
  });

  it('rates the 11288 relay port high on TP-Link and medium elsewhere, noting a SOCKS5 handshake', () => {
    const socks = open(11288, Buffer.from([5, 0]), { socks5: true });
    const onTplink = assessHost(host({ mac: TPLINK_MAC, ports: [socks] }), content).findings.find((f) => f.id.startsWith('quad7-socks'));
    expect(onTplink).toMatchObject({ id: 'quad7-socks-relay-tplink', severity: 'high' });
    expect(onTplink?.evidence).toContain('completes a SOCKS5 handshake');
    expect(ids(host({ mac: SYNOLOGY_MAC, ports: [open(11288)] }))).toEqual(['quad7-socks-relay-port:medium']);
  });

  it('ignores closed and filtered ports', () => {
    const ports: PortProbeResult[] = [
      { port: 7777, state: 'closed', banner: null },
      { port: 11288, state: 'filtered', banner: null },
    ];
    expect(ids(host({ mac: INTEL_MAC, ports }))).toEqual([]);
  });
});

describe('routers and telnet', () => {
  it('rates telnet on the gateway medium', () => {
    expect(ids(host({ mac: SYNOLOGY_MAC, gateway: true, ports: [open(23, Buffer.from([0xff, 0xfd, 0x18]))] }))).toEqual(['telnet-on-router:medium']);
  });

  it('rates telnet on a router maker\'s device medium even when it is not the gateway', () => {
    expect(ids(host({ mac: ASUS_MAC, ports: [open(23)] }))).toEqual(['telnet-on-router:medium']);
  });

  it('says nothing about telnet on a device that is no router', () => {
    expect(ids(host({ mac: SYNOLOGY_MAC, ports: [open(23)] }))).toEqual([]);
  });

  it('treats a UPnP internet gateway device as a router', () => {
    const h = host({ mac: SYNOLOGY_MAC, ports: [open(23)], hints: { upnpDeviceType: 'urn:schemas-upnp-org:device:InternetGatewayDevice:1' } });
    expect(ids(h)).toEqual(['telnet-on-router:medium']);
  });
});

describe('TP-Link family and KEV', () => {
  it('gives every family device a low finding with router hardening advice', () => {
    const { findings, record } = assessHost(host({ mac: MERCUSYS_MAC }), content);
    expect(record).toMatchObject({ tplink: true, vendor: 'MERCUSYS TECHNOLOGIES CO., LTD.', randomizedMac: false });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: 'tplink-family-device', severity: 'low', title: 'Mercusys device on the network' });
    expect(findings[0]?.evidence).toContain('MAC prefix 00:EB:D8 is registered to "MERCUSYS TECHNOLOGIES CO., LTD."');
    expect(findings[0]?.advice).toContain('router-firmware-update');
  });

  it('rates a TP-Link model listed in CISA KEV high and names the CVEs', () => {
    const h = host({ mac: TPLINK_MAC, hints: { httpTitle: 'TL-WR841N', httpServer: 'TP-LINK HTTPD/1.0', httpPort: 80 } });
    const { findings, record } = assessHost(h, content);
    const kev = findings.find((f) => f.id === 'tplink-kev-model');
    expect(kev?.severity).toBe('high');
    expect(kev?.title).toBe('TL-WR841N has a known-exploited vulnerability (CVE-2023-33538, CVE-2023-50224, CVE-2025-9377)');
    expect(kev?.evidence).toContain('web page title on port 80');
    expect(record.model).toBe('TL-WR841N');
  });

  it('matches KEV models from the UPnP description', () => {
    const h = host({ mac: TPLINK_MAC, hints: { upnpManufacturer: 'TP-Link', upnpModelName: 'Archer C7', upnpModelNumber: '5.0' } });
    const { findings, record } = assessHost(h, content);
    expect(record.model).toBe('Archer C7 5.0');
    expect(findings.find((f) => f.id === 'tplink-kev-model')?.title).toContain('CVE-2015-3035, CVE-2025-9377');
  });

  it('does not flag a model that is not in KEV', () => {
    expect(ids(host({ mac: TPLINK_MAC, hints: { httpTitle: 'Deco X55' } }))).toEqual(['tplink-family-device:low']);
  });

  it('identifies TP-Link from a hint when the MAC is randomised', () => {
    const h = host({ mac: 'a6:00:00:00:00:07', hints: { upnpManufacturer: 'TP-Link', upnpModelName: 'Tapo C210' } });
    const { findings, record } = assessHost(h, content);
    expect(record).toMatchObject({ tplink: true, vendor: null, randomizedMac: true, model: 'Tapo C210' });
    expect(findings[0]?.evidence).toContain('its UPnP description names "TP-Link Tapo C210" (the MAC is randomised)');
  });

  it('does not call a randomised MAC without hints TP-Link', () => {
    const { record, findings } = assessHost(host({ mac: 'de:ad:be:ef:00:01' }), content);
    expect(record).toMatchObject({ tplink: false, randomizedMac: true, vendor: null });
    expect(findings).toEqual([]);
  });

  it('handles a routed host without a MAC', () => {
    const { record } = assessHost(host({ mac: null, via: 'tcp', hints: { httpTitle: 'Archer AX21' } }), content);
    expect(record).toMatchObject({ mac: null, tplink: true, vendor: null, randomizedMac: false });
  });
});

describe('advice', () => {
  it('lists each advice item once, the most urgent finding\'s first', () => {
    const xlogin = assessHost(host({ mac: TPLINK_MAC, ports: [open(7777, 'xlogin:')] }), content).findings;
    const advice = adviceFor(xlogin, content);
    expect(advice[0]?.id).toBe('router-isolate-reflash');
    expect(new Set(advice.map((a) => a.id)).size).toBe(advice.length);
    for (const item of advice) expect(item.url).toMatch(/^https:\/\//);
  });
});

describe('model hints from a login realm', () => {
  it('matches KEV from the Basic-auth realm older TP-Link firmware shows', () => {
    const h = host({ mac: TPLINK_MAC, hints: { httpRealm: 'TP-LINK Wireless N Router WR841N', httpPort: 80 } });
    const kev = assessHost(h, content).findings.find((f) => f.id === 'tplink-kev-model');
    expect(kev?.title).toContain('CVE-2023-50224');
    expect(kev?.evidence).toContain('its login prompt on port 80');
  });
});
