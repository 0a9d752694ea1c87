import net from 'node:net';
import { readGreeting } from '../../../src/scanner/probes/greeting';
import { ProbeScope } from '../../../src/scanner/probes/scope';

describe('greeting window after an event-loop stall', () => {
  let server: net.Server;
  let port = 0;

  beforeAll(async () => {
    server = net.createServer((socket) => {
      setTimeout(() => socket.write('xlogin:'), 20);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('still reads a greeting that arrived while the loop was blocked past the window', async () => {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const reading = readGreeting(socket, { windowMs: 50, scope: new ProbeScope() });
    // Block the event loop well past the window: the greeting lands in the kernel meanwhile and
    // the window's timer becomes due before the socket is read.
    const until = Date.now() + 250;
    while (Date.now() < until) {
      // busy wait on purpose
    }
    const greeting = await reading;
    socket.destroy();
    expect(greeting.bytes.toString('latin1')).toBe('xlogin:');
  });
});
