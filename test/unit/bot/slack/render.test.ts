import { loadContent } from '../../../../src/content/load';
import { adviceCommand } from '../../../../src/commands/advice';
import { overview, helpForCommand } from '../../../../src/commands/help';
import { commands } from '../../../../src/commands/registry';
import { messageReport, type Report } from '../../../../src/commands/report';
import { scanReport } from '../../../../src/commands/scan-report';
import type { CommandContext } from '../../../../src/commands/types';
import type { SlackMessage } from '../../../../src/bot/slack/blocks';
import { CHAT_BUDGET, SLACK_LIMITS, slackMessageProblems } from '../../../../src/bot/slack/limits';
import { renderProgress, renderReport } from '../../../../src/bot/slack/render';
import { HOSTILE, syntheticScan } from './synthetic-scan';

/** Every piece of text in a message, as Slack would read it. */
function allText(message: SlackMessage): string {
  return JSON.stringify(message);
}

function expectValid(messages: SlackMessage[]): void {
  for (const message of messages) expect(slackMessageProblems(message)).toEqual([]);
}

function sectionTexts(message: SlackMessage): string[] {
  return message.blocks.flatMap((b) => (b.type === 'section' ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)] : b.type === 'context' ? b.elements.map((e) => e.text) : []));
}

describe('Slack rendering of reports', () => {
  it('renders the help overview as a header, text and command fields within the limits', () => {
    const { messages, uploads, truncated } = renderReport(overview(commands, 'slack'));
    expect(messages).toHaveLength(1);
    expectValid(messages);
    const [message] = messages;
    expect(message?.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: 'router-audit' } });
    const fields = message?.blocks.flatMap((b) => (b.type === 'section' ? b.fields ?? [] : []));
    expect(fields?.some((f) => f.text.startsWith('*/router-audit scan'))).toBe(true);
    expect(uploads).toEqual([]);
    expect(truncated).toBe(false);
  });

  it('renders advice with Slack links <url|title> and the ids', async () => {
    const content = loadContent();
    const report = await adviceCommand.run({ args: {}, options: {} }, { services: { content } } as unknown as CommandContext);
    const { messages } = renderReport(report);
    expectValid(messages);
    const text = messages.map(allText).join('\n');
    const first = content.advice[0];
    expect(first).toBeDefined();
    expect(text).toContain(`<${first?.url.replace(/&/g, '&amp;')}|`);
    expect(text).toContain(`\`${first?.id}\``);
  });

  it('escapes text from the network so a banner cannot mention anyone or inject links', () => {
    const { messages } = renderReport(scanReport(syntheticScan(30, 6)));
    expectValid(messages);
    const text = messages.map(allText).join('\n');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0ADMIN>');
    expect(text).not.toContain('<https://evil.example');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('R&amp;D &lt;b&gt;router&lt;/b&gt;');
    expect(text).not.toMatch(/@here/);
    expect(text).toContain('@\u200bhere');
    // The only links are the advice links built from the catalog.
    const links = text.match(/<[^>]*\|/g) ?? [];
    expect(links.every((l) => l.startsWith('<https://example.org/'))).toBe(true);
    expect(text).toContain('<https://example.org/reflash?a=1&amp;b=2|Isolate &amp; reflash the router>');
  });

  it('keeps data from breaking out of the host table code block', () => {
    const { messages } = renderReport(scanReport(syntheticScan(20, 0)));
    const tables = messages.flatMap(sectionTexts).filter((t) => t.includes('```'));
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) expect(table.match(/```/g)).toHaveLength(2);
  });

  it('puts a small scan in one message with no full-data uploads', () => {
    const { messages, uploads, truncated } = renderReport(scanReport(syntheticScan(5, 2)));
    expect(messages).toHaveLength(1);
    expectValid(messages);
    expect(truncated).toBe(false);
    expect(uploads).toEqual([]);
    const text = messages.map(allText).join('\n');
    for (let i = 1; i <= 5; i += 1) expect(text).toContain(`10.77.0.${i} `);
  });

  it('splits a huge report into several messages within the limits, cuts the table and uploads the full data', () => {
    const report = scanReport(syntheticScan(600, 80));
    const { messages, uploads, truncated } = renderReport(report);
    expectValid(messages);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(CHAT_BUDGET.messagesPerReport);
    expect(truncated).toBe(true);
    expect(uploads.map((u) => u.filename).sort()).toEqual(['hosts.csv', 'scan.json']);
    const text = messages.map(allText).join('\n');
    expect(text).toContain(`Showing the first ${CHAT_BUDGET.tableRows} of 600 rows`);
    expect(text).toContain('`hosts.csv`');
    expect(text).toMatch(/…and 40 more findings \(/);
    // Most severe first: the first finding shown is a critical one.
    const firstFinding = messages.flatMap(sectionTexts).find((t) => /CRITICAL|HIGH|MEDIUM|LOW|INFO/.test(t));
    expect(firstFinding).toMatch(/^\*Findings\*\n🔴 \*CRITICAL\*/);
    // Later messages say which part they are.
    expect(messages[1]?.blocks[0]).toMatchObject({ type: 'context', elements: [{ text: expect.stringMatching(/part 2 of \d/) }] });
    expect(messages[1]?.text).toMatch(/part 2 of/);
  });

  it('stays within the limits for reports of every size', () => {
    for (const hosts of [0, 1, 39, 40, 41, 250, 2000]) {
      for (const findings of [0, 1, 4, 40, 41, 300]) {
        const rendered = renderReport(scanReport(syntheticScan(hosts, findings, { partial: hosts % 2 === 1 })));
        for (const message of rendered.messages) {
          const problems = slackMessageProblems(message);
          if (problems.length > 0) throw new Error(`${hosts} hosts, ${findings} findings: ${problems.join('; ')}`);
        }
        expect(rendered.messages.length).toBeLessThanOrEqual(CHAT_BUDGET.messagesPerReport);
        expect(rendered.truncated).toBe(hosts > CHAT_BUDGET.tableRows || findings > CHAT_BUDGET.findings);
      }
    }
  });

  it('splits long text and many fields into several sections', () => {
    const report: Report = {
      title: 'T'.repeat(400),
      tone: 'neutral',
      summary: 'S'.repeat(5000),
      sections: [
        { kind: 'text', heading: 'Long', text: Array.from({ length: 150 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n') },
        { kind: 'fields', heading: 'Many', fields: Array.from({ length: 25 }, (_, i) => ({ label: `L${i}`, value: 'v'.repeat(300) })) },
      ],
      attachments: [{ filename: 'chart.png', contentType: 'image/png', data: Buffer.from('png') }],
      outcome: 'ok',
    };
    const { messages, uploads } = renderReport(report);
    expectValid(messages);
    expect(messages.length).toBeGreaterThan(1);
    const fieldSections = messages.flatMap((m) => m.blocks).filter((b) => b.type === 'section' && b.fields);
    // Ten fields at most per section, and no section carrying more text than a section may.
    const counts = fieldSections.map((b) => (b.type === 'section' ? b.fields?.length ?? 0 : 0));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(25);
    expect(Math.max(...counts)).toBeLessThanOrEqual(10);
    const short = renderReport({ ...report, sections: [{ kind: 'fields', fields: Array.from({ length: 25 }, (_, i) => ({ label: `L${i}`, value: 'v' })) }] });
    expect(short.messages[0]?.blocks.filter((b) => b.type === 'section').map((b) => (b.type === 'section' ? b.fields?.length : 0))).toEqual([10, 10, 5]);
    expect(messages[0]?.blocks[0]).toMatchObject({ type: 'header' });
    // An attachment that is not full data goes along every time.
    expect(uploads.map((u) => u.filename)).toEqual(['chart.png']);
  });

  it('drops what does not fit in the message budget and says so', () => {
    const huge = Array.from({ length: 3000 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const rendered = renderReport({ title: 'Huge', tone: 'neutral', summary: 'big', sections: [{ kind: 'text', text: huge }], attachments: [], outcome: 'ok' });
    expectValid(rendered.messages);
    expect(rendered.messages).toHaveLength(CHAT_BUDGET.messagesPerReport);
    expect(rendered.truncated).toBe(true);
    const last = rendered.messages[rendered.messages.length - 1];
    expect(JSON.stringify(last?.blocks[last.blocks.length - 1])).toContain('the rest was left out');
  });

  it('says a message report once (the summary is its first line)', () => {
    const { messages } = renderReport(messageReport('Target refused', 'Refused 8.8.8.0/24: not inside SCAN_ALLOW', 'refused'));
    expectValid(messages);
    expect(messages[0]?.blocks.map((b) => b.type)).toEqual(['header', 'section']);
    expect(messages[0]?.text).toContain('Refused 8.8.8.0/24');
  });

  it('renders the help of one command', () => {
    const scan = commands.find((c) => c.name === 'scan');
    expect(scan).toBeDefined();
    const { messages } = renderReport(helpForCommand(scan!, 'slack'));
    expectValid(messages);
    expect(messages.map(allText).join('')).toContain('/router-audit scan 10.20.0.0/24');
    // CLI-only options are not offered in Slack.
    expect(messages.map(allText).join('')).not.toContain('--json');
  });

  it('escapes the progress line', () => {
    const message = renderProgress('Scanning <!here> 10.77.0.0/24…');
    expect(slackMessageProblems(message)).toEqual([]);
    expect(message.text).toBe('⏳ Scanning &lt;!here&gt; 10.77.0.0/24…');
  });
});

describe('Slack message limits validator', () => {
  it('accepts a minimal valid message and flags each broken limit', () => {
    expect(slackMessageProblems({ text: 'ok', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }] })).toEqual([]);
    const section = { type: 'section', text: { type: 'mrkdwn', text: 'x' } };
    expect(slackMessageProblems({ text: 'ok', blocks: Array.from({ length: 51 }, () => section) })).toEqual([`blocks: 51, limit ${SLACK_LIMITS.blocksPerMessage}`]);
    expect(slackMessageProblems({ text: 'ok', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] })[0]).toMatch(/3001 characters, limit 3000/);
    expect(slackMessageProblems({ text: 'ok', blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }] })[0]).toMatch(/11 fields/);
    expect(slackMessageProblems({ text: 'ok', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] })[0]).toMatch(/151 characters, limit 150/);
    expect(slackMessageProblems({ text: 'ok', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }] })[0]).toMatch(/must be plain_text/);
    expect(slackMessageProblems({ text: '', blocks: [] })).toEqual(['text: the fallback text is empty']);
    expect(slackMessageProblems({ text: 'ok', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '' } }] })[0]).toMatch(/empty text/);
    const big = Array.from({ length: 5 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(2900) } }));
    expect(slackMessageProblems({ text: 'ok', blocks: big })[0]).toMatch(/14500 characters of text in all/);
  });
});
