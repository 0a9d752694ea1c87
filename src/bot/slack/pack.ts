import { blockChars, context, type Block } from './blocks';
import { SLACK_LIMITS } from './limits';

/**
 * Spreads a report's blocks over as few messages as Slack's limits allow, up to `maxMessages`.
 * Later messages start with a "part i of n" line; what does not fit at all is dropped and a note
 * says so (the caller then uploads the full data).
 */

export interface Packed {
  messages: Block[][];
  /** blocks were left out because the report needed more than maxMessages */
  dropped: boolean;
}

/** Blocks and characters kept free in every message for the part line and the "rest" note. */
const RESERVED_BLOCKS = 2;
const RESERVED_CHARS = 600;

function charsOf(blocks: readonly Block[]): number {
  return blocks.reduce((sum, block) => sum + blockChars(block), 0);
}

function trimDividers(blocks: Block[]): Block[] {
  let start = 0;
  let end = blocks.length;
  while (start < end && blocks[start]?.type === 'divider') start += 1;
  while (end > start && blocks[end - 1]?.type === 'divider') end -= 1;
  return blocks.slice(start, end);
}

export function packBlocks(
  lead: readonly Block[],
  body: readonly Block[],
  options: { maxMessages: number; title: string; droppedNote: string },
): Packed {
  const maxBlocks = SLACK_LIMITS.blocksPerMessage - RESERVED_BLOCKS;
  const maxChars = SLACK_LIMITS.messageChars - RESERVED_CHARS;
  const messages: Block[][] = [[...lead]];
  let dropped = false;
  for (const block of body) {
    let current = messages[messages.length - 1] as Block[];
    if (current.length + 1 > maxBlocks || charsOf(current) + blockChars(block) > maxChars) {
      if (messages.length >= options.maxMessages) {
        dropped = true;
        break;
      }
      current = [];
      messages.push(current);
    }
    current.push(block);
  }
  const trimmed = messages.map(trimDividers).filter((blocks, i) => i === 0 || blocks.length > 0);
  if (dropped) trimmed[trimmed.length - 1]?.push(context(options.droppedNote));
  const total = trimmed.length;
  return {
    messages: trimmed.map((blocks, i) => (i === 0 ? blocks : [context(`${options.title} · part ${i + 1} of ${total}`), ...blocks])),
    dropped,
  };
}
