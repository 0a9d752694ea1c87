/**
 * Slack's documented Block Kit limits for messages, as a checker. The Web API stand-in rejects a
 * message that breaks them the way Slack does (`{ok:false, error:'invalid_blocks', errors:[…]}`),
 * so a renderer that produces an oversized report fails in e2e tests exactly as it would in Slack.
 * Tests can also call it directly:
 *
 *   expect(blockKitProblems(post.args.blocks)).toEqual([]);
 *
 * Limits (docs.slack.dev, Block Kit reference): 50 blocks per message; section text ≤ 3000
 * characters; section fields ≤ 10, each ≤ 2000; header plain_text ≤ 150; context elements ≤ 10;
 * actions elements ≤ 25; block_id ≤ 255; a text object's text must not be empty. Slack also has
 * an undocumented total-size limit (`msg_blocks_too_long`, around 13 k characters in practice);
 * it is not enforced here because its threshold is not published.
 */

export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  blockId: 255,
} as const;

type Json = Record<string, unknown>;

/** Problems in a message's `blocks`, each with a JSON pointer like Slack's errors; [] when valid. */
export function blockKitProblems(blocks: unknown): string[] {
  if (blocks === undefined) return [];
  if (!Array.isArray(blocks)) return ['blocks must be an array [json-pointer:/blocks]'];
  const problems: string[] = [];
  if (blocks.length > SLACK_LIMITS.blocksPerMessage) {
    problems.push(`no more than ${SLACK_LIMITS.blocksPerMessage} items allowed [json-pointer:/blocks]`);
  }
  blocks.forEach((block: unknown, i) => problems.push(...blockProblems(block, `/blocks/${i}`)));
  return problems;
}

function blockProblems(block: unknown, at: string): string[] {
  if (!isObject(block) || typeof block.type !== 'string') return [`missing required field: type [json-pointer:${at}]`];
  const problems: string[] = [];
  if (typeof block.block_id === 'string' && block.block_id.length > SLACK_LIMITS.blockId) {
    problems.push(tooLong(SLACK_LIMITS.blockId, `${at}/block_id`));
  }
  switch (block.type) {
    case 'section':
      if (block.text === undefined && block.fields === undefined) {
        problems.push(`must provide either text or fields [json-pointer:${at}]`);
      }
      if (block.text !== undefined) problems.push(...textProblems(block.text, SLACK_LIMITS.sectionText, `${at}/text`));
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields)) problems.push(`fields must be an array [json-pointer:${at}/fields]`);
        else {
          if (block.fields.length > SLACK_LIMITS.sectionFields) {
            problems.push(`no more than ${SLACK_LIMITS.sectionFields} items allowed [json-pointer:${at}/fields]`);
          }
          block.fields.forEach((f: unknown, j) =>
            problems.push(...textProblems(f, SLACK_LIMITS.sectionFieldText, `${at}/fields/${j}`)),
          );
        }
      }
      break;
    case 'header':
      problems.push(...textProblems(block.text, SLACK_LIMITS.headerText, `${at}/text`, 'plain_text'));
      break;
    case 'context':
      problems.push(...countProblems(block.elements, SLACK_LIMITS.contextElements, `${at}/elements`));
      break;
    case 'actions':
      problems.push(...countProblems(block.elements, SLACK_LIMITS.actionsElements, `${at}/elements`));
      break;
    default:
      break;
  }
  return problems;
}

function textProblems(text: unknown, max: number, at: string, onlyType?: string): string[] {
  if (!isObject(text) || (text.type !== 'mrkdwn' && text.type !== 'plain_text')) {
    return [`must be a text object [json-pointer:${at}]`];
  }
  if (onlyType && text.type !== onlyType) return [`must be ${onlyType} [json-pointer:${at}/type]`];
  if (typeof text.text !== 'string' || text.text.length === 0) {
    return [`must be more than 0 characters [json-pointer:${at}/text]`];
  }
  return text.text.length > max ? [tooLong(max, `${at}/text`)] : [];
}

function countProblems(elements: unknown, max: number, at: string): string[] {
  if (!Array.isArray(elements) || elements.length === 0) return [`must provide at least 1 item [json-pointer:${at}]`];
  return elements.length > max ? [`no more than ${max} items allowed [json-pointer:${at}]`] : [];
}

function tooLong(max: number, at: string): string {
  return `must be less than ${max + 1} characters [json-pointer:${at}]`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
