import type { Severity } from '../scanner/types';

/**
 * The platform-neutral report every command returns. Front ends render it (terminal text, Slack
 * Block Kit, Discord embeds, JSON); commands never format for a platform. Text is plain: no
 * markup, renderers escape it for their platform.
 */

/** How a report should look at a glance (colour, emoji). */
export type Tone = Severity | 'ok' | 'neutral' | 'error';

/** What happened, for exit codes and for where a chat reply goes (refusals are private). */
export type Outcome = 'ok' | 'partial' | 'usage' | 'refused' | 'denied' | 'error';

export interface ReportFinding {
  severity: Severity;
  title: string;
  /** what it is about: a host IP, an account count, a site */
  subject: string;
  evidence: string;
  advice: string[];
}

export interface ReportAdvice {
  id: string;
  title: string;
  text: string;
  url: string;
}

export type Section =
  | { kind: 'text'; heading?: string; text: string }
  | { kind: 'fields'; heading?: string; fields: Array<{ label: string; value: string }> }
  | {
      kind: 'table';
      heading?: string;
      columns: string[];
      rows: string[][];
      /** attachments that hold the full data, for renderers that must cut the table short */
      fullDataIn?: string[];
    }
  | { kind: 'findings'; heading?: string; findings: ReportFinding[] }
  | { kind: 'advice'; heading?: string; items: ReportAdvice[] }
  | { kind: 'image'; heading?: string; attachment: string; alt: string };

export interface Attachment {
  filename: string;
  contentType: string;
  data: Buffer | string;
  description?: string;
  /** only upload when a table referring to it had to be cut short (chat); always written by the CLI */
  onlyWhenTruncated?: boolean;
}

export interface Report {
  title: string;
  tone: Tone;
  /** one line that stands on its own (notifications, previews, digests) */
  summary: string;
  sections: Section[];
  attachments: Attachment[];
  outcome: Outcome;
  /** chat: show only to the person who asked */
  ephemeral?: boolean;
  /** the machine-readable result (`--json`) */
  json?: unknown;
  /** for --fail-on: the most severe finding, if any */
  highestSeverity?: Severity;
  /** error reports: the id under which the details were logged */
  reference?: string;
  /**
   * Chat: the person may answer this message with files (Slack: a reply in its thread), and the bot
   * then dispatches `input` again with those files attached. `hint` tells them how.
   */
  awaitsFiles?: { input: string; hint: string };
}

export function messageReport(title: string, text: string, outcome: Outcome, options: { ephemeral?: boolean; tone?: Tone; reference?: string } = {}): Report {
  return {
    title,
    tone: options.tone ?? (outcome === 'ok' ? 'neutral' : 'error'),
    summary: text.split('\n')[0] ?? text,
    sections: [{ kind: 'text', text }],
    attachments: [],
    outcome,
    ephemeral: options.ephemeral ?? outcome !== 'ok',
    ...(options.reference ? { reference: options.reference } : {}),
  };
}
