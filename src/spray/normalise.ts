/**
 * Field normalisation shared by every log shape: timestamps, accounts, source addresses.
 * Hot path: these run once per event, so the common cases avoid regular expressions.
 */

function digit(text: string, index: number): number {
  const c = text.charCodeAt(index) - 48;
  return c >= 0 && c <= 9 ? c : NaN;
}

function two(text: string, index: number): number {
  return digit(text, index) * 10 + digit(text, index + 1);
}

// Logs come in time order, so consecutive timestamps share their day: Date.UTC once per day.
let cachedDayKey = -1;
let cachedDayMs = 0;
function dayStart(year: number, month: number, day: number): number {
  const key = (year * 16 + month) * 32 + day;
  if (key !== cachedDayKey) {
    cachedDayMs = Date.UTC(year, month - 1, day);
    cachedDayKey = key;
  }
  return cachedDayMs;
}

/**
 * ISO 8601 / RFC 3339 as logs write it: `2024-10-01T10:12:13Z`, `…13.1234567Z`, `…13+02:00`,
 * `2024-10-01 10:12:13` (space). No zone = UTC (M365 CreationTime is UTC without a Z; NXLog
 * EventTime is the collector's local time, which we cannot know: read as UTC). NaN when not ISO.
 */
export function parseIsoTime(text: string): number {
  if (text.length < 16) return NaN;
  const sep = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (sep !== 84 && sep !== 32 && sep !== 116) || text.charCodeAt(13) !== 58) {
    return NaN;
  }
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  const hour = two(text, 11);
  const minute = two(text, 14);
  let i = 16;
  let second = 0;
  let ms = 0;
  if (text.charCodeAt(i) === 58) {
    second = two(text, i + 1);
    i += 3;
    if (text.charCodeAt(i) === 46 || text.charCodeAt(i) === 44) {
      i++;
      let scale = 100;
      while (i < text.length) {
        const d = digit(text, i);
        if (Number.isNaN(d)) break;
        ms += d * scale;
        scale /= 10;
        i++;
      }
      ms = Math.floor(ms);
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return NaN;
  let time = dayStart(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  if (i === text.length) return time;
  const zone = text.charCodeAt(i);
  if ((zone === 90 || zone === 122) && i === text.length - 1) return time; // Z
  if (zone === 43 || zone === 45) {
    const offsetHours = two(text, i + 1);
    const hasColon = text.charCodeAt(i + 3) === 58;
    const offsetMinutes = text.length > i + 3 ? two(text, hasColon ? i + 4 : i + 3) : 0;
    const end = i + 3 + (text.length > i + 3 ? (hasColon ? 3 : 2) : 0);
    if (Number.isNaN(offsetHours) || Number.isNaN(offsetMinutes) || end !== text.length) return NaN;
    const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
    time += zone === 43 ? -offset : offset;
    return time;
  }
  return NaN;
}

const US_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ ,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?\s*([AaPp][Mm])?$/;
const DOTNET_DATE = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

/** Epoch numbers: seconds, milliseconds or microseconds, told apart by size. */
export function epochToMs(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return NaN;
  if (value >= 1e14) return Math.floor(value / 1000); // µs
  if (value >= 1e11) return value; // ms
  return value * 1000; // s
}

/** Any timestamp a log shape uses; NaN when it is not one. */
export function parseTime(value: unknown): number {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string') return NaN;
  const text = value.trim();
  const iso = parseIsoTime(text);
  if (!Number.isNaN(iso)) return iso;
  if (/^\d{10,17}$/.test(text)) return epochToMs(Number(text));
  const dotnet = DOTNET_DATE.exec(text);
  if (dotnet) return epochToMs(Number(dotnet[1]));
  // Portal and Purview CSVs opened and saved in a US-locale spreadsheet: M/D/YYYY h:mm[:ss] [AM|PM], UTC.
  const us = US_TIME.exec(text);
  if (us) {
    let hour = Number(us[4]);
    const meridiem = us[8]?.toLowerCase();
    if (meridiem === 'pm' && hour < 12) hour += 12;
    if (meridiem === 'am' && hour === 12) hour = 0;
    const ms = us[7] === undefined ? 0 : Number(us[7].padEnd(3, '0'));
    return Date.UTC(Number(us[3]), Number(us[1]) - 1, Number(us[2]), hour, Number(us[5]), Number(us[6] ?? 0), ms);
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? NaN : parsed;
}

function isLowerAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c > 127 || c === 32) return false;
  }
  return true;
}

/** Accounts compare case-insensitively: lower case, trimmed. Empty → null. */
export function normaliseAccount(raw: string): string | null {
  if (isLowerAscii(raw)) return raw.length > 0 ? raw : null;
  const account = raw.trim().toLowerCase();
  return account.length > 0 ? account : null;
}

/** Windows writes DOMAIN\user or user@domain; DOMAIN\ is dropped so 4624, 4625 and 4771 agree. */
export function stripWindowsDomain(account: string): string {
  const slash = account.lastIndexOf('\\');
  return slash >= 0 ? account.slice(slash + 1) : account;
}

/**
 * Source address: "-" and "" → null; `::ffff:1.2.3.4` → `1.2.3.4`; a port that M365 appends
 * (`1.2.3.4:5678`, `[2001:db8::1]:443`) is dropped; IPv6 lower case.
 */
export function normaliseIp(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let ip = raw;
  const first = ip.charCodeAt(0);
  // fast path: plain dotted IPv4 with no port
  if (first >= 48 && first <= 57 && ip.indexOf(':') < 0 && ip.indexOf(' ') < 0) return ip;
  ip = ip.trim();
  if (ip === '' || ip === '-' || ip === '::' || ip === '0.0.0.0') return null;
  if (ip.startsWith('[')) {
    const close = ip.indexOf(']');
    ip = close > 0 ? ip.slice(1, close) : ip.slice(1);
  }
  const colons = ip.split(':').length - 1;
  if (colons === 1 && ip.indexOf('.') > 0) ip = ip.slice(0, ip.indexOf(':')); // IPv4:port
  ip = ip.toLowerCase();
  if (ip.startsWith('::ffff:') && ip.indexOf('.') > 0) ip = ip.slice(7);
  const zone = ip.indexOf('%'); // fe80::1%eth0
  if (zone > 0) ip = ip.slice(0, zone);
  return ip;
}

/**
 * A copy that shares no memory with the chunk it was cut from. V8 keeps a sliced string's
 * whole parent alive; map keys made from 1 MB chunks would hold every chunk forever.
 */
export function detach(text: string): string {
  return (' ' + text).slice(1);
}
