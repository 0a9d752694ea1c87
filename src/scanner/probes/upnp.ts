import dgram from 'node:dgram';
import type { ModelHints } from '../types';
import { httpGet } from './http';
import type { ProbeScope } from './scope';
import { parseDeviceDescription } from './text';

export const SSDP_PORT = 1900;

/**
 * Unicast M-SEARCH (UPnP Device Architecture 1.1 §1.3.2): sent to one host, never to the
 * 239.255.255.250 multicast group, so only the probed device is asked.
 */
export function mSearch(ip: string): Buffer {
  return Buffer.from(
    [
      'M-SEARCH * HTTP/1.1',
      `HOST: ${ip}:${SSDP_PORT}`,
      'MAN: "ssdp:discover"',
      'MX: 1',
      'ST: upnp:rootdevice',
      'USER-AGENT: router-audit UPnP/1.1',
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** The LOCATION header of an SSDP response (HTTP-like header block), or null. */
export function ssdpLocation(message: Buffer): string | null {
  const text = message.toString('latin1');
  if (!/^HTTP\/1\.\d\s+200\b/i.test(text)) return null;
  const location = /^location\s*:\s*(\S+)\s*$/im.exec(text)?.[1];
  return location ?? null;
}

/** Waits up to ssdpMs for the first response from ip that carries a LOCATION. Never rejects. */
function askForLocation(ip: string, port: number, ssdpMs: number, scope: ProbeScope): Promise<string | null> {
  return new Promise((resolve) => {
    if (scope.aborted) {
      resolve(null);
      return;
    }
    const socket = dgram.createSocket('udp4');
    let settled = false;
    let cancelTimer: () => void = () => undefined;
    let untrack: () => void = () => undefined;
    const settle = (location: string | null): void => {
      if (settled) return;
      settled = true;
      cancelTimer();
      untrack();
      try {
        socket.close();
      } catch {
        // already closed after an error: nothing left to release
      }
      resolve(location);
    };
    socket.on('error', () => settle(null));
    socket.on('message', (message, remote) => {
      // Only the probed host's own answer counts; the source port varies by implementation.
      if (remote.address !== ip) return;
      const location = ssdpLocation(message);
      if (location) settle(location);
    });
    socket.bind(0, () => {
      if (settled) return;
      try {
        socket.send(mSearch(ip), port, ip, (error) => {
          if (error) settle(null);
        });
      } catch {
        settle(null); // a bad port: nothing was sent
      }
    });
    cancelTimer = scope.timer(ssdpMs, () => settle(null));
    untrack = scope.track(() => settle(null));
  });
}

/** The description URL, if it is on the probed host itself: a LOCATION elsewhere is never fetched. */
export function descriptionUrl(location: string, ip: string): URL | null {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.hostname === ip ? url : null;
}

/**
 * UPnP model hints: M-SEARCH to the host's SSDP port, then its description XML
 * (deviceType, manufacturer, modelName, modelNumber). Missing or foreign answers give no hints.
 */
export async function probeUpnp(
  ip: string,
  ssdpPort: number,
  timeouts: { connectMs: number; httpMs: number; ssdpMs: number },
  scope: ProbeScope,
): Promise<ModelHints> {
  const location = await askForLocation(ip, ssdpPort, timeouts.ssdpMs, scope);
  if (!location) return {};
  const hints: ModelHints = { upnpLocation: location };
  const url = descriptionUrl(location, ip);
  if (!url || scope.aborted) return hints;
  const useTls = url.protocol === 'https:';
  const fetched = await httpGet(
    {
      ip,
      port: url.port ? Number(url.port) : useTls ? 443 : 80,
      tls: useTls,
      path: `${url.pathname}${url.search}`,
      connectMs: timeouts.connectMs,
      responseMs: timeouts.httpMs,
    },
    scope,
  );
  if (fetched.state !== 'open' || !fetched.response || fetched.response.status !== 200) return hints;
  const description = parseDeviceDescription(fetched.response.body.toString('utf8'));
  if (description.deviceType) hints.upnpDeviceType = description.deviceType;
  if (description.manufacturer) hints.upnpManufacturer = description.manufacturer;
  if (description.modelName) hints.upnpModelName = description.modelName;
  if (description.modelNumber) hints.upnpModelNumber = description.modelNumber;
  return hints;
}
