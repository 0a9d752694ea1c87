import type { ProbesFile } from '../content/schema';

/** Turns raw greeting bytes into something a person can read in a report. */
export function printableBanner(banner: Buffer | null, maxChars = 60): string {
  if (!banner || banner.length === 0) return 'no greeting';
  let text = '';
  for (const byte of banner.subarray(0, maxChars)) {
    if (byte === 0x0a) text += '\\n';
    else if (byte === 0x0d) text += '\\r';
    else if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte);
    else text += `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `"${text}${banner.length > maxChars ? '…' : ''}"`;
}

export interface ServiceNamer {
  (banner: Buffer | null): string;
}

/** Names the service behind a greeting with the fingerprints of content/probes.yaml. */
export function compileServiceNamer(services: ProbesFile['services']): ServiceNamer {
  const compiled = services.map((service) => ({ name: service.name, pattern: new RegExp(service.pattern, service.flags ?? '') }));
  return (banner) => {
    if (!banner || banner.length === 0) return 'silent service (no greeting)';
    const text = banner.toString('latin1');
    return compiled.find((service) => service.pattern.test(text))?.name ?? 'unrecognised service';
  };
}
