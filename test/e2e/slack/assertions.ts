import { slackMessageProblems } from '../../../src/bot/slack/limits';
import type { SlackApiCall } from '../../../lab/chat/slack-api';
import { blockKitProblems } from '../../../lab/chat/slack-limits';

/** Checks for what reached the Slack stand-in. */

/** The message a call carried is within Slack's limits (the harness's check and ours). */
export function expectWithinLimits(call: SlackApiCall): void {
  expect(blockKitProblems(call.args.blocks)).toEqual([]);
  expect(slackMessageProblems({ text: call.args.text, blocks: call.args.blocks })).toEqual([]);
}

interface LooseBlock {
  type: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<{ text: string }>;
}

/** All text of the blocks a call carried, one string per text object. */
export function textsOf(call: SlackApiCall): string[] {
  const blocks = (Array.isArray(call.args.blocks) ? call.args.blocks : []) as LooseBlock[];
  return blocks.flatMap((b) => [b.text?.text, ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => e.text)]).filter((t): t is string => typeof t === 'string');
}

export function headerOf(call: SlackApiCall): string | undefined {
  const blocks = (Array.isArray(call.args.blocks) ? call.args.blocks : []) as LooseBlock[];
  return blocks.find((b) => b.type === 'header')?.text?.text;
}

export const inChannel = (channel: string) => (call: SlackApiCall): boolean => call.args.channel === channel;
export const atResponseUrl = (id: string) => (call: SlackApiCall): boolean => call.pathId === id;
