import type { PortProbeResult } from '../types';
import { readGreeting } from './greeting';
import type { ProbeScope } from './scope';
import { connectTcp } from './tcp';
import { looksLikeTelnet, TelnetRefuser } from './telnet';

export interface TcpProbeTarget {
  ip: string;
  /** port as planned in content (what results report) */
  plannedPort: number;
  /** port actually dialled (the same, except under the tests' portMap) */
  dialPort: number;
}

interface Timeouts {
  connectMs: number;
  bannerMs: number;
}

/**
 * The banner probe: connect, say nothing, keep what the service sends first (raw bytes, Telnet
 * negotiation included). A greeting that starts with Telnet negotiation gets refusals back so
 * the server goes on to its prompt (see telnet.ts); nothing else is ever sent.
 */
export async function probeBanner(target: TcpProbeTarget, timeouts: Timeouts, scope: ProbeScope): Promise<PortProbeResult> {
  const connected = await connectTcp(target.ip, target.dialPort, timeouts.connectMs, scope);
  if (connected.state !== 'open') {
    return { port: target.plannedPort, state: connected.state, banner: null, ...(connected.interrupted ? { interrupted: true } : {}) };
  }
  const { socket } = connected;
  let telnet: TelnetRefuser | null = null;
  let first = true;
  const greeting = await readGreeting(socket, {
    windowMs: timeouts.bannerMs,
    scope,
    onChunk: (chunk, sock) => {
      if (first) {
        first = false;
        if (looksLikeTelnet(chunk)) telnet = new TelnetRefuser();
      }
      if (!telnet) return true;
      const { reply, hasText } = telnet.push(chunk);
      if (reply.length > 0 && sock.writable) sock.write(reply);
      // Negotiation alone is not the greeting: keep waiting (within the window) for the prompt.
      return hasText;
    },
  });
  socket.destroy();
  const result: PortProbeResult = { port: target.plannedPort, state: 'open', banner: greeting.bytes.length > 0 ? greeting.bytes : null };
  if (greeting.interrupted) result.interrupted = true;
  return result;
}

/** SOCKS5 greeting: version 5, one method offered, 0x00 = no authentication (RFC 1928 §3). */
export const SOCKS5_HELLO = Buffer.from([0x05, 0x01, 0x00]);

/** 05 00 (method accepted) or 05 FF (no acceptable method): either way a SOCKS5 server answered. */
export function isSocks5Reply(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x05 && (bytes[1] === 0x00 || bytes[1] === 0xff);
}

/**
 * The SOCKS5 probe: offer the handshake and read the method selection, then hang up. No CONNECT
 * request is ever sent, so nothing is proxied. The reply bytes (or whatever a non-SOCKS service
 * said instead) become the banner.
 */
export async function probeSocks5(target: TcpProbeTarget, timeouts: Timeouts, scope: ProbeScope): Promise<PortProbeResult> {
  const connected = await connectTcp(target.ip, target.dialPort, timeouts.connectMs, scope);
  if (connected.state !== 'open') {
    return { port: target.plannedPort, state: connected.state, banner: null, ...(connected.interrupted ? { interrupted: true } : {}) };
  }
  const { socket } = connected;
  socket.write(SOCKS5_HELLO);
  const reply = await readGreeting(socket, {
    windowMs: timeouts.bannerMs,
    scope,
    // Two bytes settle it when they are a SOCKS5 answer; anything else is read like a greeting.
    isComplete: (bytes) => isSocks5Reply(bytes),
  });
  socket.destroy();
  const result: PortProbeResult = {
    port: target.plannedPort,
    state: 'open',
    banner: reply.bytes.length > 0 ? reply.bytes : null,
    socks5: isSocks5Reply(reply.bytes),
  };
  if (reply.interrupted) result.interrupted = true;
  return result;
}
