import type { APIEmbed } from 'discord.js';

/**
 * Discord's message limits (developer docs, Message and Embed resources) and a validator the
 * renderer's tests run on every message it produces. Discord rejects a message that breaks one of
 * these with 400 "Invalid Form Body"; the renderer must never get there.
 */
export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  /** title + description + field names and values + footer + author, over all embeds of a message */
  embedsTotal: 6000,
  filesPerMessage: 10,
  /** per file, for a bot in a server without boosts */
  fileBytes: 10 * 1024 * 1024,
} as const;

export interface OutgoingFile {
  name: string;
  data: Buffer;
  contentType: string;
  description?: string;
}

/** One message the renderer produced: the deferred reply's edit, or a follow-up. */
export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  files: OutgoingFile[];
}

/** The characters of one embed that count towards the 6000 total. */
export function embedLength(embed: APIEmbed): number {
  let total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  total += embed.footer?.text.length ?? 0;
  total += embed.author?.name.length ?? 0;
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/** Everything in the message Discord would refuse; empty when the message is fine. */
export function messageProblems(message: DiscordMessage): string[] {
  const problems: string[] = [];
  const tooLong = (what: string, text: string | undefined, max: number): void => {
    if (text !== undefined && text.length > max) problems.push(`${what} is ${text.length} characters (max ${max})`);
  };
  tooLong('content', message.content, DISCORD_LIMITS.content);
  if (message.embeds.length > DISCORD_LIMITS.embedsPerMessage) problems.push(`${message.embeds.length} embeds (max ${DISCORD_LIMITS.embedsPerMessage})`);
  if (message.files.length > DISCORD_LIMITS.filesPerMessage) problems.push(`${message.files.length} files (max ${DISCORD_LIMITS.filesPerMessage})`);
  for (const file of message.files) {
    if (file.data.length > DISCORD_LIMITS.fileBytes) problems.push(`file ${file.name} is ${file.data.length} bytes (max ${DISCORD_LIMITS.fileBytes})`);
  }
  if (message.embeds.length === 0 && !message.content && message.files.length === 0) problems.push('the message is empty');
  message.embeds.forEach((embed, i) => {
    const at = `embed ${i}`;
    tooLong(`${at} title`, embed.title, DISCORD_LIMITS.title);
    tooLong(`${at} description`, embed.description, DISCORD_LIMITS.description);
    tooLong(`${at} footer`, embed.footer?.text, DISCORD_LIMITS.footer);
    tooLong(`${at} author`, embed.author?.name, DISCORD_LIMITS.authorName);
    const fields = embed.fields ?? [];
    if (fields.length > DISCORD_LIMITS.fields) problems.push(`${at} has ${fields.length} fields (max ${DISCORD_LIMITS.fields})`);
    fields.forEach((field, j) => {
      if (field.name.length === 0 || field.value.length === 0) problems.push(`${at} field ${j} has an empty name or value`);
      tooLong(`${at} field ${j} name`, field.name, DISCORD_LIMITS.fieldName);
      tooLong(`${at} field ${j} value`, field.value, DISCORD_LIMITS.fieldValue);
    });
    if (!embed.title && !embed.description && fields.length === 0 && !embed.image) problems.push(`${at} is empty`);
  });
  const total = message.embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
  if (total > DISCORD_LIMITS.embedsTotal) problems.push(`the embeds hold ${total} characters (max ${DISCORD_LIMITS.embedsTotal})`);
  return problems;
}
