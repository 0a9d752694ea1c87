import type { APIEmbed, APIEmbedField } from 'discord.js';
import { DISCORD_LIMITS, embedLength } from './limits';
import { truncate } from './markdown';

/**
 * Appends text and fields to embeds, and embeds to messages, starting a new embed (same colour,
 * no title) or a new message whenever the next piece would break a limit: 25 fields and 4096
 * description characters an embed, 10 embeds and 6000 characters a message. Filling each message
 * before starting the next keeps the reply itself full and the follow-ups few.
 */

/** Room left in each message for its footer ("Part 2 of 3 · Reference …"). */
export const FOOTER_RESERVE = 120;
const MESSAGE_BUDGET = DISCORD_LIMITS.embedsTotal - FOOTER_RESERVE;

export class EmbedStream {
  readonly messages: APIEmbed[][] = [[]];
  private current: APIEmbed | null = null;

  constructor(private readonly color: number) {}

  private get message(): APIEmbed[] {
    return this.messages[this.messages.length - 1] as APIEmbed[];
  }

  private used(): number {
    return this.message.reduce((sum, embed) => sum + embedLength(embed), 0);
  }

  /** Characters the current message can still take. */
  private room(): number {
    return MESSAGE_BUDGET - this.used();
  }

  /**
   * Starts a new embed, with a title when given, in a new message when this one has no room for
   * the title and `need` characters under it (a heading alone at the bottom of a message looks
   * broken).
   */
  begin(title?: string, color: number = this.current?.color ?? this.color, need = 200): void {
    this.dropIfEmpty();
    const embed: APIEmbed = { color, ...(title ? { title: truncate(title, DISCORD_LIMITS.title) } : {}) };
    if (this.message.length >= DISCORD_LIMITS.embedsPerMessage || embedLength(embed) + need > this.room()) this.messages.push([]);
    this.message.push(embed);
    this.current = embed;
  }

  /** An embed left with nothing in it (a continuation that moved on) would be refused by Discord. */
  private dropIfEmpty(): void {
    const embed = this.current;
    if (!embed || embed.title || embed.description || embed.image || (embed.fields ?? []).length > 0) return;
    const message = this.message;
    if (message[message.length - 1] === embed) message.pop();
    if (message.length === 0 && this.messages.length > 1) this.messages.pop();
    this.current = null;
  }

  setColor(color: number): void {
    if (this.current) this.current.color = color;
  }

  private open(): APIEmbed {
    if (!this.current) this.begin();
    return this.current as APIEmbed;
  }

  /**
   * Adds a paragraph (already escaped) to the description. A paragraph longer than the room left
   * is split on line ends (or hard, as a last resort) over several embeds.
   */
  paragraph(text: string): void {
    if (text === '') return;
    const embed = this.open();
    const existing = embed.description ?? '';
    const joined = existing ? `${existing}\n\n${text}` : text;
    // A description shows above the fields, so it cannot follow them in the same embed.
    if ((embed.fields ?? []).length === 0 && joined.length <= DISCORD_LIMITS.description && joined.length - existing.length <= this.room()) {
      embed.description = joined;
      return;
    }
    for (const piece of splitText(text, DISCORD_LIMITS.description)) {
      let target = this.open();
      if (target.description || (target.fields ?? []).length > 0 || piece.length > this.room()) {
        this.begin(undefined, undefined, piece.length);
        target = this.open();
      }
      target.description = piece;
    }
  }

  /** Adds a field (name and value already escaped), cut to the field limits. */
  field(name: string, value: string, inline = false): void {
    const field: APIEmbedField = {
      name: truncate(name || '\u200b', DISCORD_LIMITS.fieldName),
      value: truncate(value || '\u200b', DISCORD_LIMITS.fieldValue),
      ...(inline ? { inline } : {}),
    };
    const size = field.name.length + field.value.length;
    let embed = this.open();
    if ((embed.fields ?? []).length >= DISCORD_LIMITS.fields || size > this.room()) {
      this.begin(undefined, undefined, size);
      embed = this.open();
    }
    (embed.fields ??= []).push(field);
  }

  image(url: string, alt: string): void {
    const embed = this.open();
    embed.image = { url };
    if (alt) this.paragraph(alt);
  }

  /** The messages, each with at least one non-empty embed. */
  result(): APIEmbed[][] {
    this.dropIfEmpty();
    return this.messages.filter((message) => message.length > 0);
  }
}

/** Splits text into pieces of at most max characters, preferring line ends, never mid-escape. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut <= 0) cut = max;
    let piece = rest.slice(0, cut);
    const trailing = /\\+$/.exec(piece)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      piece = piece.slice(0, -1);
      cut -= 1;
    }
    pieces.push(piece);
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest) pieces.push(rest);
  return pieces;
}
