import type http from 'node:http';
import type net from 'node:net';
import { loadContent } from '../../../src/content/load';
import type { ProbeKind, ProbesFile } from '../../../src/content/schema';
import { assessHost } from '../../../src/scanner/assess';
import { inspectHost } from '../../../src/scanner/probes';
import { MAX_BODY_BYTES, USER_AGENT } from '../../../src/scanner/probes/http';
import { MAX_GREETING_BYTES } from '../../../src/scanner/probes/greeting';
import type { DiscoveredHost, InspectedHost, PortProbeResult } from '../../../src/scanner/types';
import {
  blackholePort, closedPort, selfSignedCert, tcpServer, udpResponder, webServer,
  type Closable,
} from './servers';

const content = loadContent();
const HOST: DiscoveredHost = { ip: '127.0.0.1', mac: null, gateway: false, via: 'tcp' };

let opened: Closable[] = [];
let deadPort = 0;

beforeAll(async () => {
  deadPort = await closedPort();
});

afterEach(async () => {
  await Promise.all(opened.map((server) => server.close()));
  opened = [];
});

function keep<T extends Closable>(server: T): T {
  opened.push(server);
  return server;
}

/** A plan with these planned ports (real Quad7 numbers) and the content's other settings. */
function plan(ports: Array<[number, ProbeKind]>, timeouts: Partial<ProbesFile['timeouts']> = {}): ProbesFile {
  return {
    ...content.probes,
    timeouts: { ...content.probes.timeouts, ...timeouts },
    ports: ports.map(([port, kind]) => ({ port, kind, why: 'test' })),
  };
}

/** Dial the servers' ephemeral ports for the planned ones; anything unmapped (SSDP too) goes to a dead port. */
function mapper(map: Record<number, number>): (port: number) => number {
  return (port) => map[port] ?? deadPort;
}

function portOf(host: InspectedHost, port: number): PortProbeResult {
  const found = host.ports.find((p) => p.port === port);
  if (!found) throw new Error(`no result for port ${port}`);
  return found;
}

const greeter = (text: string | Buffer) => (socket: net.Socket) => socket.write(text);
const silent = () => undefined;
const page = (title: string) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body>x</body></html>`;
const serve = (status: number, headers: http.OutgoingHttpHeaders, body: string | Buffer) =>
  (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(status, headers);
    res.end(body);
  };

describe('banner probes', () => {
  it('reads greetings, and tells a silent open port from a closed one', async () => {
    const xlogin = keep(await tcpServer(greeter('xlogin:')));
    const ssh = keep(await tcpServer(greeter('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')));
    const quiet = keep(await tcpServer(silent));
    const gone = await closedPort();
    const host = await inspectHost(HOST, {
      plan: plan([[7777, 'banner'], [63256, 'banner'], [3256, 'banner'], [3556, 'banner']]),
      portMap: mapper({ 7777: xlogin.port, 63256: ssh.port, 3256: quiet.port, 3556: gone }),
    });

    expect(host.ports.map((p) => p.port)).toEqual([7777, 63256, 3256, 3556]);
    expect(portOf(host, 7777)).toMatchObject({ state: 'open' });
    expect(portOf(host, 7777).banner?.toString('latin1')).toBe('xlogin:');
    expect(portOf(host, 63256).banner?.toString('latin1')).toBe('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
    expect(portOf(host, 3256)).toEqual({ port: 3256, state: 'open', banner: null });
    expect(portOf(host, 3556)).toEqual({ port: 3556, state: 'closed', banner: null });
    // The banner probe only listens: the services received nothing.
    await xlogin.allClosed();
    expect(xlogin.received.map((b) => b.length)).toEqual([0]);
    expect(quiet.received.map((b) => b.length)).toEqual([0]);
  });

  it('keeps a greeting that arrives in pieces, and caps a long one', async () => {
    const multiLine = keep(await tcpServer((socket) => {
      socket.write('220-router ftp\r\n');
      setTimeout(() => socket.writable && socket.write('220 ready\r\n'), 10);
    }));
    const chatty = keep(await tcpServer(greeter(Buffer.alloc(4000, 0x41))));
    const host = await inspectHost(HOST, {
      plan: plan([[3256, 'banner'], [3556, 'banner']]),
      portMap: mapper({ 3256: multiLine.port, 3556: chatty.port }),
    });
    expect(portOf(host, 3256).banner?.toString('latin1')).toBe('220-router ftp\r\n220 ready\r\n');
    expect(portOf(host, 3556).banner).toHaveLength(MAX_GREETING_BYTES);
  });

  it('feeds the whole content plan to the rules: xlogin on 7777 is critical', async () => {
    const xlogin = keep(await tcpServer(greeter('xlogin: ')));
    const host = await inspectHost({ ...HOST, mac: '14:75:90:00:00:01' }, {
      plan: content.probes,
      portMap: mapper({ 7777: xlogin.port }),
    });
    expect(host.ports.map((p) => p.port)).toEqual(content.probes.ports.map((p) => p.port));
    expect(host.ports.filter((p) => p.state === 'open').map((p) => p.port)).toEqual([7777]);
    const { findings } = assessHost(host, content);
    expect(findings.find((f) => f.id === 'quad7-xlogin-shell')?.severity).toBe('critical');
  });

  it('reports a port whose SYNs go unanswered as filtered', async () => {
    const hole = keep(await blackholePort());
    const host = await inspectHost(HOST, {
      plan: plan([[7777, 'banner']], { connectMs: 300 }),
      portMap: mapper({ 7777: hole.port }),
    });
    expect(portOf(host, 7777)).toEqual({ port: 7777, state: 'filtered', banner: null });
  });
});

describe('telnet', () => {
  const IAC = 0xff;
  const offers = Buffer.from([IAC, 0xfd, 24, IAC, 0xfb, 1, IAC, 0xfb, 3]); // DO TTYPE, WILL ECHO, WILL SGA
  const refusals = Buffer.from([IAC, 0xfc, 24, IAC, 0xfe, 1, IAC, 0xfe, 3]); // WONT TTYPE, DONT ECHO, DONT SGA

  it('refuses the options so a server that waits for answers goes on to login:', async () => {
    // Like a strict telnetd: the prompt comes only after every offer was answered.
    const telnetd = keep(await tcpServer((socket) => {
      let got = Buffer.alloc(0);
      socket.write(offers);
      socket.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got.length >= refusals.length) socket.write('\r\nrouter login: ');
      });
    }));
    const host = await inspectHost(HOST, { plan: plan([[23, 'banner']]), portMap: mapper({ 23: telnetd.port }) });
    const banner = portOf(host, 23).banner;
    expect(banner?.subarray(0, offers.length)).toEqual(offers);
    expect(banner?.toString('latin1').endsWith('router login: ')).toBe(true);
    await telnetd.allClosed();
    expect(telnetd.received[0]).toEqual(refusals);
  });

  it('keeps the negotiation bytes of a server that never prompts', async () => {
    const mute = keep(await tcpServer(greeter(offers)));
    const host = await inspectHost(HOST, { plan: plan([[23, 'banner']]), portMap: mapper({ 23: mute.port }) });
    expect(portOf(host, 23)).toMatchObject({ state: 'open', banner: offers });
  });

  it('sends nothing to a service whose greeting is not telnet, even if it holds 0xff bytes', async () => {
    const binary = keep(await tcpServer(greeter(Buffer.from([0x00, IAC, 0xfd, 24, 0x41]))));
    await inspectHost(HOST, { plan: plan([[3256, 'banner']]), portMap: mapper({ 3256: binary.port }) });
    await binary.allClosed();
    expect(binary.received[0]).toHaveLength(0);
  });
});

describe('SOCKS5 probe', () => {
  function socksServer(answer: number[]) {
    return tcpServer((socket) => socket.once('data', () => socket.write(Buffer.from(answer))));
  }

  it('recognises a no-auth SOCKS5 proxy and sends nothing beyond the method offer', async () => {
    const proxy = keep(await socksServer([0x05, 0x00]));
    const host = await inspectHost(HOST, { plan: plan([[11288, 'socks5']]), portMap: mapper({ 11288: proxy.port }) });
    expect(portOf(host, 11288)).toEqual({ port: 11288, state: 'open', banner: Buffer.from([0x05, 0x00]), socks5: true });
    await proxy.allClosed();
    expect(proxy.received).toEqual([Buffer.from([0x05, 0x01, 0x00])]);
  });

  it('counts a SOCKS5 server that refuses our method (05 FF) as SOCKS5', async () => {
    const proxy = keep(await socksServer([0x05, 0xff]));
    const host = await inspectHost(HOST, { plan: plan([[11288, 'socks5']]), portMap: mapper({ 11288: proxy.port }) });
    expect(portOf(host, 11288).socks5).toBe(true);
  });

  it('does not call another service on the port SOCKS5, and keeps what it said', async () => {
    const web = keep(await tcpServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))));
    const quiet = keep(await tcpServer(silent));
    const socks4 = keep(await socksServer([0x00, 0x5a]));
    const host = await inspectHost(HOST, {
      plan: plan([[11288, 'socks5'], [3256, 'socks5'], [3556, 'socks5'], [63210, 'socks5']]),
      portMap: mapper({ 11288: web.port, 3256: quiet.port, 3556: socks4.port }),
    });
    expect(portOf(host, 11288)).toMatchObject({ state: 'open', socks5: false });
    expect(portOf(host, 11288).banner?.toString('latin1')).toBe('HTTP/1.1 400 Bad Request\r\n\r\n');
    expect(portOf(host, 3256)).toEqual({ port: 3256, state: 'open', banner: null, socks5: false });
    expect(portOf(host, 3556).socks5).toBe(false);
    expect(portOf(host, 63210)).toEqual({ port: 63210, state: 'closed', banner: null });
  });
});

describe('web probes', () => {

  it('captures the title and Server header with a plain GET naming router-audit', async () => {
    const web = keep(await webServer(serve(200, { Server: 'TP-LINK HTTPD/1.0', 'Content-Type': 'text/html' }, page('TL-WR841N'))));
    const host = await inspectHost(HOST, { plan: plan([[80, 'http']]), portMap: mapper({ 80: web.port }) });
    expect(host.hints).toEqual({ httpTitle: 'TL-WR841N', httpServer: 'TP-LINK HTTPD/1.0', httpPort: 80 });
    expect(portOf(host, 80)).toMatchObject({ state: 'open', banner: null, http: { status: 200, title: 'TL-WR841N' } });
    expect(web.requests).toHaveLength(1);
    expect(web.requests[0]).toMatchObject({ method: 'GET', url: '/' });
    expect(web.requests[0]?.headers['user-agent']).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/router-audit/);
  });

  it('talks to a self-signed HTTPS server, without SNI for an IP address', async () => {
    const web = keep(await webServer(serve(200, { Server: 'lighttpd' }, page('Archer C7')), { tls: selfSignedCert() }));
    const host = await inspectHost(HOST, { plan: plan([[443, 'https']]), portMap: mapper({ 443: web.port }) });
    expect(host.hints).toEqual({ httpTitle: 'Archer C7', httpServer: 'lighttpd', httpPort: 443 });
    expect(web.servernames).toEqual([false]);
  });

  it('decodes entities, collapses newlines and honours the declared charset', async () => {
    const messy = '<TITLE lang="en">\n   Archer C7 &amp;\n\tAC1750 &lt;Login&gt; &#8211; &#x4E2D;&#25991; &copy; &bogus;\n</TITLE>';
    const utf8 = keep(await webServer(serve(200, { 'Content-Type': 'text/html' }, `<html><head>${messy}</head></html>`)));
    const latin1 = keep(await webServer(serve(200, { 'Content-Type': 'text/html; charset=iso-8859-1' },
      Buffer.from('<title>R\xe9seau domestique</title>', 'latin1'))));
    const host = await inspectHost(HOST, {
      plan: plan([[80, 'http'], [8080, 'http']]),
      portMap: mapper({ 80: utf8.port, 8080: latin1.port }),
    });
    expect(portOf(host, 80).http?.title).toBe('Archer C7 & AC1750 <Login> – 中文 © &bogus;');
    expect(portOf(host, 8080).http?.title).toBe('Réseau domestique');
    expect(host.hints.httpTitle).toBe('Archer C7 & AC1750 <Login> – 中文 © &bogus;');
  });

  it('joins a title split across chunks', async () => {
    const web = keep(await webServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' }); // no length: chunked encoding
      res.write('<html><head><title>Deco ');
      setTimeout(() => res.end('M5</title></head></html>'), 20);
    }));
    const host = await inspectHost(HOST, { plan: plan([[80, 'http']]), portMap: mapper({ 80: web.port }) });
    expect(host.hints.httpTitle).toBe('Deco M5');
  });

  it('reads at most 64 KB of an endless body and hangs up', async () => {
    const filler = Buffer.alloc(16 * 1024, 0x20);
    const web = keep(await webServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      // A title a reader without a cap would find, beyond the cap, then an endless stream.
      res.write(Buffer.concat([Buffer.alloc(MAX_BODY_BYTES + 1024, 0x20), Buffer.from('<title>Too far</title>')]));
      const pump = (): void => {
        while (!res.destroyed && res.write(filler));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    }));
    // The deadline is far beyond the test's own timeout: only the size cap can end this probe.
    const host = await inspectHost(HOST, { plan: plan([[80, 'http']], { httpMs: 120_000 }), portMap: mapper({ 80: web.port }) });
    expect(portOf(host, 80)).toMatchObject({ state: 'open', http: { status: 200, title: null } });
    expect(host.hints.httpTitle).toBeUndefined();
    await web.allClosed();
  }, 20_000);

  it('follows one redirect to a login page on the same host', async () => {
    const web = keep(await webServer((req, res) => {
      if (req.url === '/') {
        res.writeHead(302, { Location: '/userRpm/LoginRpm.htm?Save=1', Server: 'Router Webserver' });
        res.end('<title>302 Found</title>');
      } else {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end(page('TP-LINK Archer AX21'));
      }
    }));
    const host = await inspectHost(HOST, { plan: plan([[80, 'http']]), portMap: mapper({ 80: web.port }) });
    expect(web.requests.map((r) => r.url)).toEqual(['/', '/userRpm/LoginRpm.htm?Save=1']);
    expect(host.hints).toEqual({ httpTitle: 'TP-LINK Archer AX21', httpServer: 'Router Webserver', httpPort: 80 });
    expect(portOf(host, 80).http?.redirectedTo).toBe(`http://127.0.0.1:${web.port}/userRpm/LoginRpm.htm?Save=1`);
  });

  it('never follows a redirect to another host, and follows at most one', async () => {
    const elsewhere = keep(await webServer(serve(200, {}, page('elsewhere')), { address: '127.0.0.2' }));
    const twin = keep(await webServer(serve(200, {}, page('twin')), { address: '127.0.0.1', port: elsewhere.port }));
    const away = keep(await webServer(serve(302, { Location: `http://127.0.0.2:${elsewhere.port}/login` }, '<title>Moved</title>')));
    const loop = keep(await webServer((req, res) => {
      res.writeHead(302, { Location: `/step${(Number(req.url?.replace(/\D/g, '')) || 0) + 1}` });
      res.end();
    }));
    const host = await inspectHost(HOST, {
      plan: plan([[80, 'http'], [8080, 'http']]),
      portMap: mapper({ 80: away.port, 8080: loop.port }),
    });
    expect(elsewhere.connections).toBe(0);
    expect(twin.connections).toBe(0);
    expect(portOf(host, 80).http).toEqual({ status: 302, server: null, title: null, realm: null });
    expect(loop.requests.map((r) => r.url)).toEqual(['/', '/step1']);
    expect(portOf(host, 8080).http?.status).toBe(302);
    expect(host.hints).toEqual({});
  });

  it('records a Basic auth realm, which old TP-Link firmware fills with the model', async () => {
    const web = keep(await webServer(serve(401, { 'WWW-Authenticate': 'Basic realm="TP-LINK Wireless N Router WR841N"' }, '')));
    const host = await inspectHost(HOST, { plan: plan([[80, 'http']]), portMap: mapper({ 80: web.port }) });
    expect(host.hints.httpRealm).toBe('TP-LINK Wireless N Router WR841N');
    expect(portOf(host, 80).http?.status).toBe(401);
  });

  it('keeps a port open but hint-free when it does not speak HTTP, and marks a closed one', async () => {
    const ssh = keep(await tcpServer(greeter('SSH-2.0-dropbear\r\n')));
    const host = await inspectHost(HOST, {
      plan: plan([[80, 'http'], [443, 'https']]),
      portMap: mapper({ 80: ssh.port, 443: ssh.port }),
    });
    expect(portOf(host, 80)).toEqual({ port: 80, state: 'open', banner: null });
    expect(portOf(host, 443)).toEqual({ port: 443, state: 'open', banner: null });
    expect(host.hints).toEqual({});
    const closed = await inspectHost(HOST, { plan: plan([[8080, 'http']]), portMap: mapper({}) });
    expect(portOf(closed, 8080)).toEqual({ port: 8080, state: 'closed', banner: null });
  });
});

describe('UPnP hints over SSDP', () => {
  const description = `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <device>
    <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
    <friendlyName>Archer C7</friendlyName>
    <manufacturer>TP-Link</manufacturer>
    <modelName><![CDATA[Archer C7]]></modelName>
    <modelNumber>5.0</modelNumber>
    <deviceList>
      <device>
        <deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
        <manufacturer>Other &amp; Co</manufacturer>
        <modelName>WAN Device</modelName>
      </device>
    </deviceList>
  </device>
</root>`;

  function ssdpAnswer(location: string): (message: Buffer) => Buffer | null {
    return (message) => message.toString('latin1').startsWith('M-SEARCH')
      ? Buffer.from(`HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: ${location}\r\nSERVER: Linux UPnP/1.0\r\nST: upnp:rootdevice\r\nUSN: uuid:1::upnp:rootdevice\r\n\r\n`)
      : null;
  }

  it('asks the host itself and reads the root device of its description', async () => {
    const desc = keep(await webServer(serve(200, { 'Content-Type': 'text/xml' }, description)));
    const location = `http://127.0.0.1:${desc.port}/rootDesc.xml`;
    const ssdp = keep(await udpResponder(ssdpAnswer(location)));
    const host = await inspectHost(HOST, { plan: plan([[80, 'http']]), portMap: mapper({ 1900: ssdp.port }) });
    expect(host.hints).toEqual({
      upnpLocation: location,
      upnpDeviceType: 'urn:schemas-upnp-org:device:InternetGatewayDevice:1',
      upnpManufacturer: 'TP-Link',
      upnpModelName: 'Archer C7',
      upnpModelNumber: '5.0',
    });
    expect(desc.requests.map((r) => r.url)).toEqual(['/rootDesc.xml']);
    const query = ssdp.messages[0]?.toString('latin1') ?? '';
    expect(query).toMatch(/^M-SEARCH \* HTTP\/1\.1\r\n/);
    expect(query).toContain('MAN: "ssdp:discover"\r\n');
    expect(query).toContain('ST: upnp:rootdevice\r\n');
    expect(query).toContain('HOST: 127.0.0.1:1900\r\n');
  });

  it('does not fetch a LOCATION that points at another host', async () => {
    const foreign = keep(await webServer(serve(200, {}, description), { address: '127.0.0.2' }));
    // The same port on the probed address too: neither the foreign host nor the probed host's
    // port named in the foreign URL may be asked.
    const twin = keep(await webServer(serve(200, {}, description), { address: '127.0.0.1', port: foreign.port }));
    const location = `http://127.0.0.2:${foreign.port}/desc.xml`;
    const ssdp = keep(await udpResponder(ssdpAnswer(location)));
    const host = await inspectHost(HOST, { plan: plan([[80, 'http']]), portMap: mapper({ 1900: ssdp.port }) });
    expect(ssdp.messages).toHaveLength(1);
    expect(host.hints).toEqual({ upnpLocation: location });
    expect(foreign.connections).toBe(0);
    expect(twin.connections).toBe(0);
  });

  it('ignores an SSDP answer that comes from another address', async () => {
    const desc = keep(await webServer(serve(200, {}, description)));
    const ssdp = keep(await udpResponder(ssdpAnswer(`http://127.0.0.1:${desc.port}/rootDesc.xml`), '127.0.0.2'));
    const host = await inspectHost(HOST, { plan: plan([[80, 'http']]), portMap: mapper({ 1900: ssdp.port }) });
    expect(ssdp.messages).toHaveLength(1);
    expect(host.hints).toEqual({});
    expect(desc.connections).toBe(0);
  });
});

describe('abort', () => {
  it('stops mid-probe: resolves with interrupted ports and closes every connection', async () => {
    const quiet = keep(await tcpServer(silent));
    const stalled = keep(await webServer(() => undefined)); // accepts, never answers
    const ssdp = keep(await udpResponder(null)); // hears the query, never answers
    const long = { bannerMs: 60_000, httpMs: 60_000, ssdpMs: 60_000 };
    const controller = new AbortController();
    const running = inspectHost(HOST, {
      plan: plan([[7777, 'banner'], [11288, 'socks5'], [80, 'http'], [3556, 'banner']], long),
      portMap: mapper({ 7777: quiet.port, 11288: quiet.port, 80: stalled.port, 1900: ssdp.port }),
      signal: controller.signal,
    });
    await quiet.waitForConnections(2);
    await stalled.waitForConnections(1);
    while (ssdp.messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const host = await running;
    expect(portOf(host, 7777)).toEqual({ port: 7777, state: 'open', banner: null, interrupted: true });
    expect(portOf(host, 11288)).toMatchObject({ state: 'open', socks5: false, interrupted: true });
    expect(portOf(host, 80)).toMatchObject({ state: 'open', interrupted: true });
    expect(portOf(host, 3556)).toEqual({ port: 3556, state: 'closed', banner: null });
    expect(host.hints).toEqual({});
    await quiet.allClosed();
    await stalled.allClosed();
  }, 20_000);

  it('sends nothing when the signal is already aborted', async () => {
    const quiet = keep(await tcpServer(silent));
    const ssdp = keep(await udpResponder(null));
    const host = await inspectHost(HOST, {
      plan: plan([[7777, 'banner'], [80, 'http']]),
      portMap: mapper({ 7777: quiet.port, 80: quiet.port, 1900: ssdp.port }),
      signal: AbortSignal.abort(),
    });
    expect(host.ports).toEqual([
      { port: 7777, state: 'filtered', banner: null, interrupted: true },
      { port: 80, state: 'filtered', banner: null, interrupted: true },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(quiet.connections).toBe(0);
    expect(ssdp.messages).toHaveLength(0);
  });

  it('shares one abort listener among many hosts probed with one signal', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const hosts = await Promise.all(Array.from({ length: 25 }, () =>
        inspectHost(HOST, { plan: plan([[7777, 'banner']], { ssdpMs: 50 }), portMap: mapper({}), signal: controller.signal })));
      expect(hosts.every((h) => h.ports[0]?.state === 'closed')).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('refuses a host that is not an IP address instead of resolving names', async () => {
    await expect(inspectHost({ ...HOST, ip: 'router.local' }, { plan: plan([[80, 'http']]) })).rejects.toThrow(/not an IP address/);
  });
});
