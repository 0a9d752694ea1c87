import type { APIEmbed } from 'discord.js';
import type { Attachment, Report } from '../../commands/report';
import { TONE_COLORS } from './colors';
import { EmbedStream, FOOTER_RESERVE } from './embed-stream';
import { DISCORD_LIMITS, embedLength, type DiscordMessage, type OutgoingFile } from './limits';
import { escapeText } from './markdown';
import { renderSection } from './sections';

/**
 * The platform-neutral report → Discord messages: the first is the deferred reply's edit, the rest
 * follow-ups. Every message keeps Discord's limits (limits.ts); a report too long for chat is cut
 * to `maxMessages` messages with a note, and the files holding the full data go along.
 */

export interface RenderOptions {
  /** the reply and its follow-ups together; more than a few messages would flood a channel */
  maxMessages?: number;
}

export const DEFAULT_MAX_MESSAGES = 4;

const CUT_NOTE = 'The rest of this report does not fit in chat. The attached files hold all of it.';

function summaryRepeated(report: Report): boolean {
  const first = report.sections[0];
  return first?.kind === 'text' && !first.heading && first.text.startsWith(report.summary);
}

/** Keeps the first `max` messages and ends the last with a note saying the rest is in the files. */
function cut(messages: APIEmbed[][], max: number, color: number): APIEmbed[][] {
  if (messages.length <= max) return messages;
  const kept = messages.slice(0, max);
  const last = kept[kept.length - 1] ?? [];
  const note: APIEmbed = { color, description: escapeText(CUT_NOTE) };
  const total = (): number => last.reduce((sum, e) => sum + embedLength(e), 0);
  while (last.length > 1 && (last.length >= DISCORD_LIMITS.embedsPerMessage || total() + embedLength(note) > DISCORD_LIMITS.embedsTotal - FOOTER_RESERVE)) {
    last.pop();
  }
  last.push(note);
  return kept;
}

function footers(messages: APIEmbed[][], reference: string | undefined): void {
  messages.forEach((embeds, i) => {
    const parts: string[] = [];
    if (messages.length > 1) parts.push(`Part ${i + 1} of ${messages.length}`);
    if (reference) parts.push(`Reference ${reference}`);
    const last = embeds[embeds.length - 1];
    if (last && parts.length > 0) last.footer = { text: parts.join(' · ') };
  });
}

function toFile(attachment: Attachment): OutgoingFile {
  const data = typeof attachment.data === 'string' ? Buffer.from(attachment.data, 'utf8') : attachment.data;
  return { name: attachment.filename, data, contentType: attachment.contentType, ...(attachment.description ? { description: attachment.description } : {}) };
}

/** Which attachments go along: always the plain ones; the full-data ones when something was cut. */
function chooseAttachments(report: Report, wanted: Set<string>, cutAll: boolean): Attachment[] {
  return report.attachments.filter((a) => !a.onlyWhenTruncated || cutAll || wanted.has(a.filename));
}

/** Puts each file in the message whose embed shows it (images), the others in the first message. */
function placeFiles(messages: DiscordMessage[], files: OutgoingFile[]): DiscordMessage[] {
  const placed = messages;
  const tooLarge: string[] = [];
  for (const file of files) {
    if (file.data.length > DISCORD_LIMITS.fileBytes) {
      tooLarge.push(`${file.name} (${(file.data.length / 1024 / 1024).toFixed(1)} MB)`);
      continue;
    }
    const shownIn = placed.findIndex((m) => m.embeds.some((e) => e.image?.url === `attachment://${file.name}`));
    let index = Math.max(shownIn, 0);
    while ((placed[index]?.files.length ?? 0) >= DISCORD_LIMITS.filesPerMessage) index += 1;
    if (!placed[index]) placed[index] = { embeds: [], files: [], content: 'More attachments for the report above.' };
    placed[index]?.files.push(file);
  }
  const first = placed[0];
  if (tooLarge.length > 0 && first) {
    first.content = escapeText(`Too large for Discord, not attached: ${tooLarge.join(', ')}. Run the scan from the command line to get them.`);
  }
  return placed;
}

export function renderReport(report: Report, options: RenderOptions = {}): DiscordMessage[] {
  const color = TONE_COLORS[report.tone];
  const out = new EmbedStream(color);
  out.begin(escapeText(report.title), color);
  if (report.summary && report.summary !== report.title && !summaryRepeated(report)) out.paragraph(escapeText(report.summary));

  const wanted = new Set<string>();
  let cutAll = false;
  for (const section of report.sections) {
    const outcome = renderSection(section, out, color);
    if (outcome.truncated && outcome.fullDataIn.length === 0) cutAll = true;
    for (const name of outcome.fullDataIn) if (outcome.truncated) wanted.add(name);
  }

  const packed = out.result();
  const max = Math.max(1, options.maxMessages ?? DEFAULT_MAX_MESSAGES);
  if (packed.length > max) cutAll = true;
  const kept = cut(packed, max, color);
  footers(kept, report.reference);
  const messages: DiscordMessage[] = kept.map((embeds) => ({ embeds, files: [] }));
  return placeFiles(messages, chooseAttachments(report, wanted, cutAll).map(toFile));
}
