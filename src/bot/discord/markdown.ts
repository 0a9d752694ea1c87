/**
 * Discord markdown for text that came from the report. Device banners, page titles and model
 * names are attacker-controlled: they must not format, link, mention or break out of a code
 * block. Report text is plain (see commands/report.ts), so all of it goes through here.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Characters Discord's markdown gives meaning to anywhere in a line (brackets: masked links; <: mentions). */
const SPECIAL = /[\\*_~`|<[\]]/g;
/** Block syntax that only counts at a line start: quotes, headings, lists, "-#" subtext. */
const LINE_START = /^(\s*)([>#+-])/gm;

/** Plain text → Discord markdown that shows exactly that text. */
export function escapeText(text: string): string {
  return text
    .replace(CONTROL, (char) => (char === '\t' ? ' ' : ''))
    .replace(SPECIAL, '\\$&')
    .replace(LINE_START, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s|$)/gm, '$1\\.')
    // A URL in a banner must not become a link: "http\://" is shown as "http://" but not linked.
    .replace(/:\/\//g, '\\://');
}

/**
 * Cuts text to `max` characters with an ellipsis. Never leaves a lone backslash at the end (it
 * would escape the ellipsis or whatever the caller appends).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const trailing = /\\+$/.exec(cut)?.[0].length ?? 0;
  if (trailing % 2 === 1) cut = cut.slice(0, -1);
  // A surrogate pair cut in half shows as garbage.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Text for inside a code block: no markdown applies there, but a backtick would end the block. */
export function codeSafe(text: string): string {
  return text.replace(CONTROL, '').replace(/`/g, 'ˋ');
}

export function codeBlock(lines: readonly string[]): string {
  return `\`\`\`\n${lines.join('\n')}\n\`\`\``;
}

export function bold(escaped: string): string {
  return `**${escaped}**`;
}

/** A masked link for URLs from our own content; anything but http(s) is shown as text. */
export function link(label: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return escapeText(url);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return escapeText(url);
  // Parentheses and spaces would end the link target early.
  const target = parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20');
  return `[${escapeText(label)}](${target})`;
}
