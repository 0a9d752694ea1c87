/**
 * Discord's documented message limits, as a checker. The Discord REST stand-in rejects a message
 * that breaks them the way Discord does (HTTP 400, code 50035 "Invalid Form Body" with a nested
 * `errors` object), so discord.js raises the same DiscordAPIError it would raise in production.
 * Tests can also call it directly:
 *
 *   expect(discordMessageProblems(edit.body)).toEqual([]);
 *
 * Limits (discord.com/developers/docs, Message and Embed resources): content ≤ 2000 characters;
 * ≤ 10 embeds; per embed title ≤ 256, description ≤ 4096, ≤ 25 fields, field name ≤ 256 and value
 * ≤ 1024 (both non-empty), footer text ≤ 2048, author name ≤ 256; all embeds of a message together
 * ≤ 6000 characters (title, description, field names and values, footer text, author name);
 * ≤ 10 attachments per message.
 */

export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedsTotal: 6000,
  attachments: 10,
} as const;

export interface DiscordProblem {
  /** Path into the payload, e.g. ["embeds", "0", "description"]. */
  path: string[];
  code: string;
  message: string;
}

type Json = Record<string, unknown>;

/** Problems in a message payload (JSON body or payload_json) plus its uploaded file count. */
export function discordMessageProblems(payload: unknown, fileCount = 0): DiscordProblem[] {
  if (!isObject(payload)) return fileCount > 0 ? [] : [{ path: [], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }];
  const problems: DiscordProblem[] = [];
  if (typeof payload.content === 'string' && payload.content.length > DISCORD_LIMITS.content) {
    problems.push(maxLength(['content'], DISCORD_LIMITS.content));
  }
  const attachments = Array.isArray(payload.attachments) ? payload.attachments.length : 0;
  if (Math.max(attachments, fileCount) > DISCORD_LIMITS.attachments) {
    problems.push({ path: ['attachments'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${DISCORD_LIMITS.attachments} or fewer in length.` });
  }
  if (payload.embeds !== undefined && payload.embeds !== null) {
    problems.push(...embedsProblems(payload.embeds));
  }
  return problems;
}

function embedsProblems(embeds: unknown): DiscordProblem[] {
  if (!Array.isArray(embeds)) return [{ path: ['embeds'], code: 'LIST_TYPE_CONVERT', message: 'Only iterables may be used in a ListType' }];
  const problems: DiscordProblem[] = [];
  if (embeds.length > DISCORD_LIMITS.embeds) {
    problems.push({ path: ['embeds'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${DISCORD_LIMITS.embeds} or fewer in length.` });
  }
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    const at = ['embeds', String(i)];
    if (!isObject(embed)) return;
    total += checkText(embed.title, [...at, 'title'], DISCORD_LIMITS.embedTitle, problems);
    total += checkText(embed.description, [...at, 'description'], DISCORD_LIMITS.embedDescription, problems);
    if (isObject(embed.footer)) total += checkText(embed.footer.text, [...at, 'footer', 'text'], DISCORD_LIMITS.footerText, problems);
    if (isObject(embed.author)) total += checkText(embed.author.name, [...at, 'author', 'name'], DISCORD_LIMITS.authorName, problems);
    if (Array.isArray(embed.fields)) {
      if (embed.fields.length > DISCORD_LIMITS.embedFields) {
        problems.push({ path: [...at, 'fields'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${DISCORD_LIMITS.embedFields} or fewer in length.` });
      }
      embed.fields.forEach((field: unknown, j) => {
        const fat = [...at, 'fields', String(j)];
        const f = isObject(field) ? field : {};
        total += requiredText(f.name, [...fat, 'name'], DISCORD_LIMITS.fieldName, problems);
        total += requiredText(f.value, [...fat, 'value'], DISCORD_LIMITS.fieldValue, problems);
      });
    }
  });
  if (total > DISCORD_LIMITS.embedsTotal) {
    problems.push({ path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${DISCORD_LIMITS.embedsTotal}` });
  }
  return problems;
}

/** Adds a problem when too long; returns the length counted towards the 6000 total. */
function checkText(value: unknown, path: string[], max: number, problems: DiscordProblem[]): number {
  if (typeof value !== 'string') return 0;
  if (value.length > max) problems.push(maxLength(path, max));
  return value.length;
}

function requiredText(value: unknown, path: string[], max: number, problems: DiscordProblem[]): number {
  if (typeof value !== 'string' || value.length === 0) {
    problems.push({ path, code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
    return 0;
  }
  return checkText(value, path, max, problems);
}

function maxLength(path: string[], max: number): DiscordProblem {
  return { path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` };
}

/** Discord's error body for invalid payloads: nested objects ending in `_errors`. */
export function invalidFormBody(problems: DiscordProblem[]): Json {
  const errors: Json = {};
  for (const problem of problems) {
    let node = errors;
    for (const key of problem.path) {
      node[key] ??= {};
      node = node[key] as Json;
    }
    const list = (node._errors ??= []) as Array<{ code: string; message: string }>;
    list.push({ code: problem.code, message: problem.message });
  }
  return { code: 50035, message: 'Invalid Form Body', errors };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
