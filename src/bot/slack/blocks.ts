/**
 * The few Block Kit shapes the renderer produces. A narrow subset of Slack's own types, so the
 * limits validator can check every field it knows and nothing unexpected reaches Slack.
 */

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
  /** true: Slack does not auto-link or parse mentions in it (text from the network is hostile) */
  verbatim?: boolean;
}

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export type TextObject = MrkdwnText | PlainText;

export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}

export interface SectionBlock {
  type: 'section';
  text?: MrkdwnText;
  fields?: MrkdwnText[];
}

export interface ContextBlock {
  type: 'context';
  elements: MrkdwnText[];
}

export interface DividerBlock {
  type: 'divider';
}

export type Block = HeaderBlock | SectionBlock | ContextBlock | DividerBlock;

/** One chat message: blocks plus the plain `text` Slack shows in notifications and old clients. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export function mrkdwn(text: string): MrkdwnText {
  return { type: 'mrkdwn', text, verbatim: true };
}

export function header(text: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text, emoji: true } };
}

export function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

export function fieldsSection(fields: string[], text?: string): SectionBlock {
  return { type: 'section', ...(text ? { text: mrkdwn(text) } : {}), fields: fields.map(mrkdwn) };
}

export function context(text: string): ContextBlock {
  return { type: 'context', elements: [mrkdwn(text)] };
}

export const divider: DividerBlock = { type: 'divider' };

/** Characters of text a block carries: what counts against a message's total size. */
export function blockChars(block: Block): number {
  switch (block.type) {
    case 'header':
      return block.text.text.length;
    case 'section':
      return (block.text?.text.length ?? 0) + (block.fields ?? []).reduce((sum, f) => sum + f.text.length, 0);
    case 'context':
      return block.elements.reduce((sum, e) => sum + e.text.length, 0);
    case 'divider':
      return 0;
  }
}
