import type { Attachment, Report } from '../../commands/report';
import { context, divider, header, type Block, type SlackMessage } from './blocks';
import { CHAT_BUDGET, SLACK_LIMITS, slackMessageProblems } from './limits';
import { TONE_MARKER } from './markers';
import { clip, clipPlain, code, escapeText } from './mrkdwn';
import { packBlocks } from './pack';
import { renderSection } from './sections';

/**
 * The platform-neutral Report as Slack messages: a header with the tone's marker, the summary,
 * then each section (see sections.ts). Long reports become several messages, and what is cut for
 * chat is pointed at in the attachments that are uploaded with it.
 */

export interface RenderedReport {
  /** at least one message, each within Slack's limits */
  messages: SlackMessage[];
  /** attachments to upload: always-attached ones, plus the full data when something was cut */
  uploads: Attachment[];
  /** something in the report was left out of the messages */
  truncated: boolean;
}

function headerText(report: Report): string {
  const marker = TONE_MARKER[report.tone];
  return clipPlain(`${marker ? `${marker} ` : ''}${report.title}`, SLACK_LIMITS.headerText);
}

/** A message report's summary is the first line of its text: say it once. */
function summaryRepeated(report: Report): boolean {
  const first = report.sections[0];
  return report.summary === report.title || (first?.kind === 'text' && !first.heading && first.text.startsWith(report.summary));
}

function fallbackText(report: Report): string {
  const marker = TONE_MARKER[report.tone];
  const text = `${marker ? `${marker} ` : ''}${escapeText(report.title)}: ${escapeText(report.summary)}`;
  return clip(text, SLACK_LIMITS.fallbackText);
}

export function renderReport(report: Report): RenderedReport {
  const lead: Block[] = [header(headerText(report))];
  if (report.summary && !summaryRepeated(report)) lead.push(context(clip(escapeText(report.summary), SLACK_LIMITS.textObject)));

  const body: Block[] = [];
  const cutNames = new Set<string>();
  let cutEverything = false;
  report.sections.forEach((item, i) => {
    const rendered = renderSection(item, report.attachments);
    if (i > 0 && item.heading) body.push(divider);
    body.push(...rendered.blocks);
    if (rendered.cut) {
      if (rendered.cut.fullDataIn.length === 0) cutEverything = true;
      for (const name of rendered.cut.fullDataIn) cutNames.add(name);
    }
  });

  const fullData = report.attachments.filter((a) => a.onlyWhenTruncated).map((a) => a.filename);
  const packed = packBlocks(lead, body, {
    maxMessages: CHAT_BUDGET.messagesPerReport,
    title: escapeText(report.title),
    droppedNote:
      fullData.length > 0
        ? `The report is longer than Slack shows in ${CHAT_BUDGET.messagesPerReport} messages; the rest is in ${fullData.map((n) => code(n)).join(', ')}.`
        : `The report is longer than Slack shows in ${CHAT_BUDGET.messagesPerReport} messages; the rest was left out.`,
  });
  if (packed.dropped) cutEverything = true;

  const truncated = cutEverything || cutNames.size > 0;
  const uploads = report.attachments.filter((a) => !a.onlyWhenTruncated || cutEverything || cutNames.has(a.filename));
  const total = packed.messages.length;
  const messages = packed.messages.map((blocks, i) => ({
    text: i === 0 ? fallbackText(report) : clip(`${escapeText(report.title)} (part ${i + 1} of ${total})`, SLACK_LIMITS.fallbackText),
    blocks,
  }));
  return { messages, uploads, truncated };
}

/** The progress line of a running command, as the one message that is edited while it runs. */
export function renderProgress(text: string): SlackMessage {
  const line = clip(`⏳ ${escapeText(text)}`, SLACK_LIMITS.textObject);
  return { text: line, blocks: [context(line)] };
}

/** A short line of our own (not data) as a message: notes about uploads, fallbacks. */
export function renderNote(text: string): SlackMessage {
  const line = clip(escapeText(text), SLACK_LIMITS.textObject);
  return { text: line, blocks: [context(line)] };
}

/** Adds a note line to the last message when it still fits Slack's limits, else as a message of its own. */
export function withNote(messages: readonly SlackMessage[], text: string): SlackMessage[] {
  const note = renderNote(text);
  const last = messages[messages.length - 1];
  if (last) {
    const extended = { text: last.text, blocks: [...last.blocks, ...note.blocks] };
    if (slackMessageProblems(extended).length === 0) return [...messages.slice(0, -1), extended];
  }
  return [...messages, note];
}
