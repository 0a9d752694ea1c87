/** Small, tolerant text extraction from router web pages and UPnP descriptions. */

/** Hint texts longer than this are noise (a page that forgot to close its title). */
const MAX_HINT_CHARS = 200;

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ',
  copy: '©', reg: '®', trade: '™', ndash: '–', mdash: '—', hellip: '…', middot: '·',
};

/** Decodes numeric and common named entities; unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Entities decoded, whitespace runs (newlines included) collapsed, ends trimmed, length capped. */
export function cleanHintText(raw: string): string | null {
  const text = decodeEntities(raw).replace(/\s+/g, ' ').trim().slice(0, MAX_HINT_CHARS).trim();
  return text.length > 0 ? text : null;
}

/**
 * The charset a page declares, from the Content-Type header or a <meta> tag near the top.
 * Pages are scanned as latin1 so the markup is readable whatever the real encoding.
 */
export function declaredCharset(contentType: string | undefined, head: string): string | null {
  const fromHeader = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '');
  if (fromHeader?.[1]) return fromHeader[1];
  const fromMeta = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head);
  return fromMeta?.[1] ?? null;
}

function decodeBytes(bytes: Buffer, charset: string | null): string {
  if (charset) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // An unknown label: fall through to UTF-8, the web's default.
    }
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/** Byte offsets of the first complete <title>…</title>, or null while it is not (yet) complete. */
export function findTitle(body: Buffer): { start: number; end: number } | null {
  const text = body.toString('latin1'); // one char per byte: offsets stay byte offsets
  const open = /<title\b[^>]*>/i.exec(text);
  if (!open) return null;
  const start = open.index + open[0].length;
  const close = /<\/title\s*>/i.exec(text.slice(start));
  if (!close) return null;
  return { start, end: start + close.index };
}

/** The page title, decoded with the declared charset, entities resolved, whitespace collapsed. */
export function extractTitle(body: Buffer, contentType?: string): string | null {
  const found = findTitle(body);
  if (!found) return null;
  const charset = declaredCharset(contentType, body.subarray(0, found.start).toString('latin1'));
  return cleanHintText(decodeBytes(body.subarray(found.start, found.end), charset));
}

/** The text of the first <name> element (any namespace prefix), CDATA unwrapped. */
function elementText(xml: string, name: string): string | null {
  const pattern = new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}\\s*>`, 'i');
  const raw = pattern.exec(xml)?.[1];
  if (raw === undefined) return null;
  return cleanHintText(raw.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1'));
}

export interface DeviceDescription {
  deviceType?: string;
  manufacturer?: string;
  modelName?: string;
  modelNumber?: string;
}

/**
 * Fields of the root device of a UPnP description. Embedded devices (a <deviceList> inside the
 * root) are cut out first so a WAN sub-device cannot overwrite the root's model name.
 */
export function parseDeviceDescription(xml: string): DeviceDescription {
  const rootStart = /<(?:[\w.-]+:)?device\b[^>]*>/i.exec(xml);
  let root = rootStart ? xml.slice(rootStart.index + rootStart[0].length) : xml;
  const listStart = /<(?:[\w.-]+:)?deviceList\b/i.exec(root);
  if (listStart) {
    const closes = [...root.matchAll(/<\/(?:[\w.-]+:)?deviceList\s*>/gi)];
    const lastClose = closes[closes.length - 1];
    const after = lastClose ? lastClose.index + lastClose[0].length : root.length;
    root = root.slice(0, listStart.index) + root.slice(after);
  }
  const description: DeviceDescription = {};
  for (const field of ['deviceType', 'manufacturer', 'modelName', 'modelNumber'] as const) {
    const value = elementText(root, field);
    if (value) description[field] = value;
  }
  return description;
}
