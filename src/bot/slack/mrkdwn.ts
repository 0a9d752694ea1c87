import { safeText } from '../terminal/render';

/**
 * Text for Slack's mrkdwn. Everything that came from data (device banners, page titles, vendor
 * names, even the targets a user typed) goes through `escapeText`: in mrkdwn `<…>` is a link or a
 * mention (`<!channel>` pings everyone), so `&`, `<` and `>` must become entities.
 */

export function escapeText(text: string): string {
  return defuseMentions(safeText(text.replace(/\r\n?/g, '\n')).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/**
 * "@channel" typed as plain words is not a mention in API messages, but clients and notification
 * previews have parsed it before: a zero-width space after the @ costs nothing.
 */
function defuseMentions(text: string): string {
  return text.replace(/(^|[^\w.-])@(channel|here|everyone)\b/gi, '$1@\u200b$2');
}

/** Bold, for text already escaped. Asterisks inside would end the bold early: drop them. */
export function bold(escaped: string): string {
  const inner = escaped.replace(/\*/g, '').trim();
  return inner ? `*${inner}*` : '';
}

/** Inline code for data (ids, addresses): backticks inside would end it, so they become quotes. */
export function code(text: string): string {
  return `\`${escapeText(text).replace(/`/g, "'")}\``;
}

/** A link with a title; anything but http(s) is shown as text, never as a link. */
export function link(url: string, title: string): string {
  const label = escapeText(title).replace(/\|/g, '¦').replace(/\*/g, '');
  if (!/^https?:\/\/[^\s<>|]+$/i.test(url)) return `${label} (${escapeText(url)})`;
  return `<${url.replace(/&/g, '&amp;')}|${label}>`;
}

/**
 * Cuts escaped text to at most `max` characters, never inside an entity (`&amp;`) and with an
 * ellipsis when something was cut.
 */
export function clip(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  let cut = escaped.slice(0, Math.max(0, max - 1));
  cut = cut.replace(/&[a-z]{0,4}$/, '');
  return `${cut}…`;
}

/** Plain text (header, fallback) cut to `max` characters. */
export function clipPlain(text: string, max: number): string {
  const clean = safeText(text).replace(/\s+/g, ' ').trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1)}…`;
}

/**
 * Splits escaped text into pieces of at most `max` characters, at line ends where it can, so a
 * long text becomes several sections instead of one Slack would reject.
 */
export function splitLines(escaped: string, max: number): string[] {
  const pieces: string[] = [];
  let current = '';
  const flush = (): void => {
    if (current.trim()) pieces.push(current);
    current = '';
  };
  for (const line of escaped.split('\n')) {
    let rest = line;
    while (rest.length > max) {
      flush();
      // A line longer than a whole piece: cut it, but not inside an entity.
      let cut = rest.slice(0, max);
      const entity = /&[a-z]{0,4}$/.exec(cut);
      if (entity) cut = cut.slice(0, entity.index);
      pieces.push(cut);
      rest = rest.slice(cut.length);
    }
    const joined = current ? `${current}\n${rest}` : rest;
    if (joined.length > max) {
      flush();
      current = rest;
    } else {
      current = joined;
    }
  }
  flush();
  return pieces;
}
