import { codeBlock, codeSafe, escapeText, link, truncate } from '../../../../src/bot/discord/markdown';

/** What Discord shows for escaped text: a backslash before punctuation is dropped. */
function shown(markdown: string): string {
  return markdown.replace(/\\([^A-Za-z0-9\s])/g, '$1');
}

/** Markdown left active after escaping: an unescaped special character, or a line-start marker. */
function activeMarkdown(markdown: string): string[] {
  const unescaped = markdown.replace(/\\[^A-Za-z0-9\s]/g, '');
  const problems = [...unescaped.matchAll(/[*_~`|<[\]\\]/g)].map((m) => m[0]);
  for (const line of markdown.split('\n')) if (/^\s*([>#+-]|\d+\.(\s|$))/.test(line)) problems.push(`line start: ${line}`);
  if (/https?:\/\//.test(unescaped)) problems.push('a bare URL');
  return problems;
}

const HOSTILE = [
  '**bold** __underline__ ~~strike~~ ||spoiler||',
  '`code` ```block``` \\ backslash',
  '[click](http://evil.example) <@123> <@&456> <#789> <t:0:R> @everyone @here',
  '# heading\n## sub\n-# subtext\n> quote\n>>> block quote\n- item\n* item\n+ item\n1. first',
  'https://phish.example/login and http://x.y',
  'xlogin: \u0007\u001b[31mred\u202eevil',
];

describe('Discord markdown escaping', () => {
  it.each(HOSTILE)('leaves no markdown active and shows the same text: %j', (text) => {
    const escaped = escapeText(text);
    expect(activeMarkdown(escaped)).toEqual([]);
    // eslint-disable-next-line no-control-regex
    expect(shown(escaped)).toBe(text.replace(/[\x00-\x08\x0b-\x1f\u202e]/g, ''));
  });

  it('leaves ordinary text alone', () => {
    expect(escapeText('10.77.0.1 (TP-Link, Archer C7): 3 open ports')).toBe('10.77.0.1 (TP-Link, Archer C7): 3 open ports');
  });

  it('keeps a code block closed whatever the device sent', () => {
    const block = codeBlock([codeSafe('model ```\nthen text'), 'x']);
    expect(block.match(/```/g)).toHaveLength(2);
  });

  it('cuts with an ellipsis and never leaves a dangling escape', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    const cut = truncate(escapeText('a*b*c*d'), 4);
    expect(cut.length).toBeLessThanOrEqual(4);
    expect(/(^|[^\\])(\\\\)*\\…$/.test(cut)).toBe(false);
    expect(truncate('abc', 3)).toBe('abc');
  });

  it('makes links only of http(s) URLs, with the label escaped', () => {
    expect(link('CISA *KEV*', 'https://www.cisa.gov/kev(1)')).toBe('[CISA \\*KEV\\*](https://www.cisa.gov/kev%281%29)');
    expect(link('x', 'javascript:alert(1)')).toBe('javascript:alert(1)');
  });
});
