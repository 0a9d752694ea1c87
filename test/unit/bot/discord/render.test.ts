import { renderReport } from '../../../../src/bot/discord/render';
import { DISCORD_LIMITS, embedLength, messageProblems, type DiscordMessage } from '../../../../src/bot/discord/limits';
import { TONE_COLORS } from '../../../../src/bot/discord/colors';
import { MAX_FINDINGS_SHOWN } from '../../../../src/bot/discord/sections';
import { helpForCommand, overview } from '../../../../src/commands/help';
import { commands } from '../../../../src/commands/registry';
import { messageReport, type Report } from '../../../../src/commands/report';
import { scanReport } from '../../../../src/commands/scan-report';
import { discordMessageProblems } from '../../../../lab/chat/discord-limits';
import { HOSTILE_EVIDENCE, HOSTILE_MODEL, syntheticScan } from './synthetic-scan';

/** Both validators: ours, and the harness's independent copy of Discord's rules. */
function expectWithinLimits(messages: DiscordMessage[]): void {
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) {
    expect(messageProblems(message)).toEqual([]);
    const payload = { content: message.content, embeds: message.embeds, attachments: message.files.map((f, id) => ({ id, filename: f.name })) };
    expect(discordMessageProblems(payload, message.files.length)).toEqual([]);
  }
}

const allText = (messages: DiscordMessage[]): string => JSON.stringify(messages.map((m) => m.embeds));
const fileNames = (messages: DiscordMessage[]): string[] => messages.flatMap((m) => m.files.map((f) => f.name));

describe('Discord rendering of reports', () => {
  it('renders help and every command\'s help in one message within the limits', () => {
    for (const report of [overview(commands, 'discord'), ...commands.map((spec) => helpForCommand(spec, 'discord'))]) {
      const messages = renderReport(report);
      expectWithinLimits(messages);
      expect(messages).toHaveLength(1);
      expect(messages[0]?.embeds[0]?.title).toBeDefined();
    }
  });

  it('colours by tone and shows a usage error once, not as summary and text', () => {
    const report = messageReport('That did not work', 'Unknown command "scna". Did you mean scan?\nUsage: /router-audit scan', 'usage');
    const [message] = renderReport(report);
    expect(message?.embeds[0]?.color).toBe(TONE_COLORS.error);
    expect(allText(renderReport(report)).match(/Did you mean/g)).toHaveLength(1);
  });

  it('shows a small scan whole: findings with evidence, the table as a code block, advice as links, no files', () => {
    const report = scanReport(syntheticScan(5, 2));
    const messages = renderReport(report);
    expectWithinLimits(messages);
    const text = allText(messages);
    expect(text).toContain('CRITICAL');
    expect(text).toContain('```');
    expect(text).toMatch(/\[Read more on [^\]]+\]\(https:\/\//);
    expect(fileNames(messages)).toEqual([]);
    expect(messages[0]?.embeds[0]?.color).toBe(TONE_COLORS.critical);
  });

  it('escapes hostile device text: no formatting, links, mentions or code-block escapes', () => {
    const messages = renderReport(scanReport(syntheticScan(3, 1)));
    const fields = messages.flatMap((m) => m.embeds.flatMap((e) => e.fields ?? []));
    const finding = fields.find((f) => f.name.includes('CRITICAL'));
    expect(finding?.name).toContain('\\*\\*Archer\\*\\*');
    expect(finding?.name).toContain('@everyone \\<@&123>');
    expect(finding?.name).toContain('\\[click\\](http\\://evil.example/x)');
    expect(finding?.value).toContain('\\|\\|spoiler\\|\\|');
    expect(finding?.value).toContain('http\\://phish.example');
    expect(finding?.value).not.toMatch(/(^|[^\\])`tick/);
    // Inside the host table, a backtick from the device cannot close the code block.
    const table = messages.flatMap((m) => m.embeds).find((e) => e.title === 'Hosts')?.description ?? '';
    expect(table.match(/```/g)).toHaveLength(2);
    expect(HOSTILE_MODEL).toContain('```');
    expect(HOSTILE_EVIDENCE).toContain('http://');
  });

  it('splits a huge scan (600 hosts, 80 findings) over follow-ups within the limits and attaches the full data', () => {
    const report = scanReport(syntheticScan(600, 80));
    const messages = renderReport(report);
    expectWithinLimits(messages);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.length).toBeLessThanOrEqual(4);
    expect(fileNames(messages).sort()).toEqual(['hosts.csv', 'scan.json']);
    const text = allText(messages);
    expect(text).toContain('Showing ');
    expect(text).toContain('of 600 rows');
    expect(text).toContain(`${80 - MAX_FINDINGS_SHOWN} more findings`);
    // Most severe first: every critical finding is among those shown.
    const shownNames = messages.flatMap((m) => m.embeds.flatMap((e) => e.fields ?? [])).map((f) => f.name);
    expect(shownNames.filter((n) => n.includes('CRITICAL'))).toHaveLength(16);
    expect(messages.at(-1)?.embeds.at(-1)?.footer?.text).toBe(`Part ${messages.length} of ${messages.length}`);
    const csv = messages[0]?.files.find((f) => f.name === 'hosts.csv');
    expect(csv?.data.toString('utf8').trim().split('\r\n')).toHaveLength(601);
  });

  it('cuts a report longer than the message cap with a note and attaches everything', () => {
    const report = scanReport(syntheticScan(600, 80));
    const messages = renderReport(report, { maxMessages: 1 });
    expectWithinLimits(messages);
    expect(messages).toHaveLength(1);
    expect(allText(messages)).toContain('does not fit in chat');
    expect(fileNames(messages).sort()).toEqual(['hosts.csv', 'scan.json']);
  });

  it('splits long text over embeds and more than 25 fields over embeds', () => {
    const long = Array.from({ length: 300 }, (_, i) => `Line ${i} ${'x'.repeat(40)}`).join('\n');
    const report: Report = {
      title: 't'.repeat(400),
      tone: 'info',
      summary: 'sum',
      sections: [
        { kind: 'text', text: long },
        { kind: 'fields', heading: 'Many', fields: Array.from({ length: 60 }, (_, i) => ({ label: `L${i}`, value: 'v'.repeat(2000) })) },
      ],
      attachments: [{ filename: 'notes.txt', contentType: 'text/plain', data: 'always' }],
      outcome: 'ok',
      reference: 'ABCD1234',
    };
    const messages = renderReport(report, { maxMessages: 20 });
    expectWithinLimits(messages);
    const embeds = messages.flatMap((m) => m.embeds);
    expect(embeds[0]?.title?.length).toBe(DISCORD_LIMITS.title);
    const fields = embeds.flatMap((e) => e.fields ?? []);
    expect(fields).toHaveLength(60);
    expect(fields.every((f) => f.value.length === DISCORD_LIMITS.fieldValue && f.value.endsWith('…'))).toBe(true);
    const description = embeds.map((e) => e.description ?? '').join('\n');
    expect(description).toContain('Line 0 ');
    expect(description).toContain('Line 299 ');
    expect(fileNames(messages)).toEqual(['notes.txt']);
    for (const message of messages) expect(message.embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    expect(messages.at(-1)?.embeds.at(-1)?.footer?.text).toContain('Reference ABCD1234');
  });

  it('attaches an image in the message whose embed shows it', () => {
    const report: Report = {
      title: 'History',
      tone: 'neutral',
      summary: 's',
      sections: [{ kind: 'image', heading: 'Trend', attachment: 'chart.png', alt: 'hosts over time' }],
      attachments: [{ filename: 'chart.png', contentType: 'image/png', data: Buffer.from([0x89, 0x50]) }],
      outcome: 'ok',
    };
    const [message] = renderReport(report);
    expect(message?.embeds.find((e) => e.image)?.image?.url).toBe('attachment://chart.png');
    expect(message?.files.map((f) => f.name)).toEqual(['chart.png']);
  });
});
