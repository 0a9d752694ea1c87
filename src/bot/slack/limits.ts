/**
 * Slack's limits for a message (Block Kit reference, chat.postMessage), and the budgets the
 * renderer keeps on top of them. `slackMessageProblems` checks a message against all of them; the
 * tests run it on every message the adapter sends.
 */

export const SLACK_LIMITS = {
  /** blocks in one message */
  blocksPerMessage: 50,
  /** a section's text */
  sectionText: 3000,
  /** fields in one section */
  sectionFields: 10,
  /** one field's text */
  fieldText: 2000,
  /** a header's plain_text */
  headerText: 150,
  /** elements in a context block */
  contextElements: 10,
  /** any other text object */
  textObject: 3000,
  /**
   * Our budget for all block text in one message. Slack rejects big messages (msg_blocks_too_long)
   * at a size it does not publish, somewhat above 12 000 characters; stay well below it.
   */
  messageChars: 11_000,
  /** the top-level `text` fallback (Slack truncates at 40 000; notifications show far less) */
  fallbackText: 3000,
  /** a response_url takes at most 5 messages within 30 minutes */
  responseUrlUses: 5,
} as const;

/** What the renderer shows in chat before it cuts a section short and points at the attachments. */
export const CHAT_BUDGET = {
  /** messages per report; more is a flood, the rest goes to the attachments */
  messagesPerReport: 4,
  tableRows: 40,
  /** characters of one table cell (vendor names are long) */
  tableCell: 24,
  findings: 40,
  /** evidence is text from the network: keep one finding's evidence short */
  evidenceChars: 600,
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textProblems(value: unknown, max: number, at: string, kind?: 'plain_text' | 'mrkdwn'): string[] {
  if (!isObject(value) || (value.type !== 'mrkdwn' && value.type !== 'plain_text')) return [`${at}: not a text object`];
  if (kind && value.type !== kind) return [`${at}: must be ${kind}`];
  if (typeof value.text !== 'string' || value.text.length === 0) return [`${at}: empty text`];
  return value.text.length > max ? [`${at}: ${value.text.length} characters, limit ${max}`] : [];
}

function blockProblems(block: unknown, at: string): { problems: string[]; chars: number } {
  if (!isObject(block)) return { problems: [`${at}: not an object`], chars: 0 };
  const problems: string[] = [];
  let chars = 0;
  const count = (text: unknown): void => {
    if (isObject(text) && typeof text.text === 'string') chars += text.text.length;
  };
  switch (block.type) {
    case 'header':
      problems.push(...textProblems(block.text, SLACK_LIMITS.headerText, `${at}.text`, 'plain_text'));
      count(block.text);
      break;
    case 'section': {
      if (block.text === undefined && block.fields === undefined) problems.push(`${at}: section without text or fields`);
      if (block.text !== undefined) {
        problems.push(...textProblems(block.text, SLACK_LIMITS.sectionText, `${at}.text`));
        count(block.text);
      }
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields)) problems.push(`${at}.fields: not an array`);
        else {
          if (block.fields.length > SLACK_LIMITS.sectionFields) problems.push(`${at}.fields: ${block.fields.length} fields, limit ${SLACK_LIMITS.sectionFields}`);
          block.fields.forEach((field: unknown, i) => {
            problems.push(...textProblems(field, SLACK_LIMITS.fieldText, `${at}.fields[${i}]`));
            count(field);
          });
        }
      }
      break;
    }
    case 'context':
      if (!Array.isArray(block.elements) || block.elements.length === 0) problems.push(`${at}.elements: none`);
      else {
        if (block.elements.length > SLACK_LIMITS.contextElements) problems.push(`${at}.elements: ${block.elements.length}, limit ${SLACK_LIMITS.contextElements}`);
        block.elements.forEach((element: unknown, i) => {
          problems.push(...textProblems(element, SLACK_LIMITS.textObject, `${at}.elements[${i}]`));
          count(element);
        });
      }
      break;
    case 'divider':
      break;
    default:
      problems.push(`${at}: block type ${String(block.type)} is not one the renderer makes`);
  }
  return { problems, chars };
}

/**
 * Everything wrong with one outgoing message ([] when it is fine): Slack's hard limits, our total
 * size budget, and a non-empty `text` fallback.
 */
export function slackMessageProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  if (typeof message.text !== 'string' || message.text.trim() === '') problems.push('text: the fallback text is empty');
  else if (message.text.length > SLACK_LIMITS.fallbackText) problems.push(`text: ${message.text.length} characters, limit ${SLACK_LIMITS.fallbackText}`);
  if (message.blocks === undefined) return problems;
  if (!Array.isArray(message.blocks)) return [...problems, 'blocks: not an array'];
  if (message.blocks.length > SLACK_LIMITS.blocksPerMessage) problems.push(`blocks: ${message.blocks.length}, limit ${SLACK_LIMITS.blocksPerMessage}`);
  let chars = 0;
  message.blocks.forEach((block: unknown, i) => {
    const checked = blockProblems(block, `blocks[${i}]`);
    problems.push(...checked.problems);
    chars += checked.chars;
  });
  if (chars > SLACK_LIMITS.messageChars) problems.push(`blocks: ${chars} characters of text in all, budget ${SLACK_LIMITS.messageChars}`);
  return problems;
}
