/**
 * The platform limit checkers the stand-ins enforce: exactly at a limit passes, one over fails,
 * with a pointer to the offending field.
 */
import { DISCORD_LIMITS, discordMessageProblems, invalidFormBody } from '../../../lab/chat/discord-limits';
import { SLACK_LIMITS, blockKitProblems } from '../../../lab/chat/slack-limits';

const section = (text: string): Record<string, unknown> => ({ type: 'section', text: { type: 'mrkdwn', text } });
const field = (text: string): Record<string, unknown> => ({ type: 'mrkdwn', text });

describe('Slack Block Kit limits', () => {
  it('accepts 50 sections of 3000 characters and refuses a 51st block', () => {
    const blocks = Array.from({ length: SLACK_LIMITS.blocksPerMessage }, () => section('x'.repeat(SLACK_LIMITS.sectionText)));
    expect(blockKitProblems(blocks)).toEqual([]);
    expect(blockKitProblems([...blocks, { type: 'divider' }])).toEqual(['no more than 50 items allowed [json-pointer:/blocks]']);
  });

  it('refuses a section text of 3001 characters and an empty one', () => {
    expect(blockKitProblems([section('x'.repeat(3001))])).toEqual(['must be less than 3001 characters [json-pointer:/blocks/0/text/text]']);
    expect(blockKitProblems([section('')])).toEqual(['must be more than 0 characters [json-pointer:/blocks/0/text/text]']);
  });

  it('refuses an 11th section field and a field over 2000 characters', () => {
    const ten = Array.from({ length: 10 }, () => field('f'));
    expect(blockKitProblems([{ type: 'section', fields: ten }])).toEqual([]);
    expect(blockKitProblems([{ type: 'section', fields: [...ten, field('f')] }])).toEqual([
      'no more than 10 items allowed [json-pointer:/blocks/0/fields]',
    ]);
    expect(blockKitProblems([{ type: 'section', fields: [field('y'.repeat(2001))] }])).toEqual([
      'must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]',
    ]);
  });

  it('wants headers in plain_text of at most 150 characters', () => {
    expect(blockKitProblems([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } }])).toEqual([]);
    expect(blockKitProblems([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }])).toHaveLength(1);
    expect(blockKitProblems([{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }])).toEqual(['must be plain_text [json-pointer:/blocks/0/text/type]']);
  });

  it('counts context elements', () => {
    const elements = Array.from({ length: 11 }, () => field('c'));
    expect(blockKitProblems([{ type: 'context', elements: elements.slice(0, 10) }])).toEqual([]);
    expect(blockKitProblems([{ type: 'context', elements }])).toEqual(['no more than 10 items allowed [json-pointer:/blocks/0/elements]']);
  });
});

describe('Discord message limits', () => {
  it('accepts content of 2000 characters and refuses 2001', () => {
    expect(discordMessageProblems({ content: 'c'.repeat(DISCORD_LIMITS.content) })).toEqual([]);
    expect(discordMessageProblems({ content: 'c'.repeat(2001) })).toEqual([
      { path: ['content'], code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' },
    ]);
  });

  it('accepts a 4096-character description and refuses 4097', () => {
    expect(discordMessageProblems({ embeds: [{ description: 'd'.repeat(4096) }] })).toEqual([]);
    expect(discordMessageProblems({ embeds: [{ description: 'd'.repeat(4097) }] })[0]?.path).toEqual(['embeds', '0', 'description']);
  });

  it('refuses a 26th field, an empty field value and a value over 1024', () => {
    const fields = Array.from({ length: 25 }, (_, i) => ({ name: `n${i}`, value: 'v' }));
    expect(discordMessageProblems({ embeds: [{ fields }] })).toEqual([]);
    expect(discordMessageProblems({ embeds: [{ fields: [...fields, { name: 'x', value: 'y' }] }] })[0]?.path).toEqual(['embeds', '0', 'fields']);
    expect(discordMessageProblems({ embeds: [{ fields: [{ name: 'n', value: '' }] }] })[0]).toMatchObject({
      path: ['embeds', '0', 'fields', '0', 'value'],
      code: 'BASE_TYPE_REQUIRED',
    });
    expect(discordMessageProblems({ embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }] })[0]?.path).toEqual([
      'embeds',
      '0',
      'fields',
      '0',
      'value',
    ]);
  });

  it('counts all embeds of a message together against 6000 characters', () => {
    const twoAt3000 = [{ description: 'a'.repeat(3000) }, { description: 'b'.repeat(3000) }];
    expect(discordMessageProblems({ embeds: twoAt3000 })).toEqual([]);
    expect(discordMessageProblems({ embeds: [...twoAt3000, { title: 'c' }] })).toEqual([
      { path: ['embeds'], code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' },
    ]);
  });

  it('refuses an 11th attachment', () => {
    expect(discordMessageProblems({ content: 'x' }, 10)).toEqual([]);
    expect(discordMessageProblems({ content: 'x' }, 11)[0]?.path).toEqual(['attachments']);
  });

  it("nests problems the way Discord's Invalid Form Body does", () => {
    expect(invalidFormBody([{ path: ['embeds', '0', 'title'], code: 'BASE_TYPE_MAX_LENGTH', message: 'too long' }])).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: { embeds: { '0': { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'too long' }] } } } },
    });
  });
});
