'use strict';
/**
 * The services of one lab device, run inside its namespace:
 *   ip netns exec <ns> node lab/services/device.js '<json config>'
 * Plain CommonJS so it runs without a build. Config: { ip, services: [...] } with the service
 * shapes of lab/topology.ts. Prints "ready" once every port listens, then one line per contact
 * ("tcp <port> <peer>", "ssdp <peer>") so tests can see who was touched.
 */
const net = require('node:net');
const http = require('node:http');
const https = require('node:https');
const dgram = require('node:dgram');
const labCert = require('./lab-cert');

const config = JSON.parse(process.argv[2] || '{}');
const sockets = new Set();

function log(line) {
  process.stdout.write(`${line}\n`);
}

function track(socket) {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
  // A probe that never leaves must not keep a lab device busy forever.
  socket.setTimeout(10000, () => socket.destroy());
}

function listening(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

function escapeXml(text) {
  return String(text).replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]);
}

function bannerServer(service) {
  const server = net.createServer((socket) => {
    track(socket);
    log(`tcp ${service.port} ${socket.remoteAddress}`);
    socket.write(Buffer.from(service.banner, 'latin1'));
    socket.resume();
  });
  return listening(server, service.port);
}

function socks5Server(service) {
  const server = net.createServer((socket) => {
    track(socket);
    log(`tcp ${service.port} ${socket.remoteAddress}`);
    let greeted = false;
    socket.on('data', (data) => {
      if (!greeted && data[0] === 0x05) {
        greeted = true;
        socket.write(Buffer.from([0x05, 0x00])); // version 5, "no authentication required"
      } else {
        // Any request after the greeting: "command not supported", then close. Nothing is relayed.
        socket.end(Buffer.from([0x05, 0x07, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
      }
    });
  });
  return listening(server, service.port);
}

function page(service) {
  return `<!DOCTYPE html><html><head><title>${escapeXml(service.title)}</title></head>` +
    `<body><p>${escapeXml(service.title)}</p><form><input name="password" type="password"></form></body></html>\n`;
}

function webServer(service) {
  const handler = (req, res) => {
    log(`tcp ${service.port} ${req.socket.remoteAddress}`);
    const headers = { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' };
    if (service.server) headers.Server = service.server;
    res.writeHead(200, headers);
    res.end(page(service));
  };
  const server = service.kind === 'https'
    ? https.createServer({ key: labCert.key.trim(), cert: labCert.cert.trim() }, handler)
    : http.createServer(handler);
  server.on('connection', track);
  return listening(server, service.port);
}

function upnpDescription(service) {
  const model = service.modelNumber ? `\n    <modelNumber>${escapeXml(service.modelNumber)}</modelNumber>` : '';
  return `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <device>
    <deviceType>${escapeXml(service.deviceType)}</deviceType>
    <friendlyName>${escapeXml(service.modelName)}</friendlyName>
    <manufacturer>${escapeXml(service.manufacturer)}</manufacturer>
    <modelName>${escapeXml(service.modelName)}</modelName>${model}
    <UDN>uuid:${config.uuid}</UDN>
  </device>
</root>
`;
}

async function upnpDevice(service) {
  const port = service.descriptionPort || 49152;
  const location = `http://${config.ip}:${port}/description.xml`;
  const web = http.createServer((req, res) => {
    log(`tcp ${port} ${req.socket.remoteAddress}`);
    res.writeHead(200, { 'Content-Type': 'text/xml; charset="utf-8"', Connection: 'close' });
    res.end(upnpDescription(service));
  });
  web.on('connection', track);
  await listening(web, port);

  const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  udp.on('message', (message, peer) => {
    const text = message.toString('latin1');
    if (!/^M-SEARCH \* HTTP\/1\.1/i.test(text)) return;
    log(`ssdp ${peer.address}`);
    const st = (/^ST:\s*(.+?)\s*$/im.exec(text) || [])[1] || 'upnp:rootdevice';
    const reply = [
      'HTTP/1.1 200 OK',
      'CACHE-CONTROL: max-age=1800',
      'EXT:',
      `LOCATION: ${location}`,
      'SERVER: Linux/4.4 UPnP/1.0 router-audit-lab/1.0',
      `ST: ${st === 'ssdp:all' ? 'upnp:rootdevice' : st}`,
      `USN: uuid:${config.uuid}::upnp:rootdevice`,
      '', '',
    ].join('\r\n');
    udp.send(reply, peer.port, peer.address);
  });
  await new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(1900, '0.0.0.0', resolve);
  });
}

const starters = { banner: bannerServer, socks5: socks5Server, http: webServer, https: webServer, upnp: upnpDevice };

Promise.all((config.services || []).map((service) => {
  const start = starters[service.kind];
  if (!start) throw new Error(`unknown service kind ${service.kind}`);
  return start(service);
})).then(() => log('ready'), (error) => {
  process.stderr.write(`device ${config.ip}: ${error.message}\n`);
  process.exit(1);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  });
}
