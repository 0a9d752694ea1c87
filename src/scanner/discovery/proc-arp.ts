/**
 * Linux's IPv4 neighbour table as /proc/net/arp shows it:
 *
 *   IP address       HW type     Flags       HW address            Mask     Device
 *   10.77.0.1        0x1         0x2         00:0a:eb:00:00:01     *        eth0
 *
 * Flags 0x2 (ATF_COM) marks a resolved entry; 0x0 is a request still waiting for an answer, or
 * one that failed. Only resolved entries prove a host is there.
 */

export interface NeighbourEntry {
  ip: string;
  /** lower-case aa:bb:cc:dd:ee:ff */
  mac: string;
  device: string;
  /** the kernel has a link-layer address for it (an ARP answer came) */
  complete: boolean;
  /** set by hand (`ip neigh add … permanent`), not learnt from the wire */
  permanent: boolean;
}

const ATF_COM = 0x02;
const ATF_PERM = 0x04;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const ZERO_MAC = '00:00:00:00:00:00';

/** Parses the table; lines that do not look like entries are skipped, never fatal. */
export function parseProcArp(text: string): NeighbourEntry[] {
  const entries: NeighbourEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const [ip, hwType, flagsText, macText, , device] = line.trim().split(/\s+/);
    if (!ip || !IPV4.test(ip) || !flagsText || !macText || !device) continue;
    // Only Ethernet-like hardware (ARPHRD_ETHER = 1) has a MAC the vendor registry knows.
    if (hwType !== '0x1') continue;
    const flags = Number.parseInt(flagsText, 16);
    const mac = macText.toLowerCase();
    if (Number.isNaN(flags) || !MAC.test(mac)) continue;
    entries.push({
      ip,
      mac,
      device,
      complete: (flags & ATF_COM) !== 0 && mac !== ZERO_MAC,
      permanent: (flags & ATF_PERM) !== 0,
    });
  }
  return entries;
}
