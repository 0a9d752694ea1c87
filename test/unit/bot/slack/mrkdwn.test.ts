import { clip, code, escapeText, link, splitLines } from '../../../../src/bot/slack/mrkdwn';
import { cannotPostHere, channelGone, slackErrorCode } from '../../../../src/bot/slack/errors';

describe('mrkdwn helpers', () => {
  it('escapes the three control characters, CR and control bytes, and defuses @channel words', () => {
    expect(escapeText('a & b <!here> c > d')).toBe('a &amp; b &lt;!here&gt; c &gt; d');
    expect(escapeText('line\r\nnext\x07')).toBe('line\nnext?');
    expect(escapeText('@channel (@Everyone) email@here.org')).toBe('@\u200bchannel (@\u200bEveryone) email@here.org');
  });

  it('never cuts inside an entity', () => {
    const escaped = escapeText('&&&&&&&&&&');
    for (let max = 2; max < escaped.length; max += 1) {
      const cut = clip(escaped, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).toMatch(/^(&amp;)*…$/);
    }
    expect(clip('short', 10)).toBe('short');
  });

  it('splits at line ends, keeps every character, and cuts over-long lines outside entities', () => {
    const text = escapeText(['a'.repeat(30), 'b'.repeat(30), `${'<'.repeat(20)}`, 'c'].join('\n'));
    const pieces = splitLines(text, 45);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(45);
    expect(pieces.join('').replace(/\n/g, '')).toBe(text.replace(/\n/g, ''));
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) expect(piece).not.toMatch(/&[a-z]{0,3}$/);
  });

  it('links only http(s) URLs and keeps the title from closing the link', () => {
    expect(link('https://learn.microsoft.com/a?b=1&c=2', 'MFA | now')).toBe('<https://learn.microsoft.com/a?b=1&amp;c=2|MFA ¦ now>');
    expect(link('javascript:alert(1)', 'x')).toBe('x (javascript:alert(1))');
    expect(link('https://evil.example/>|<!channel>', 'x')).not.toContain('<!channel>');
    expect(code('a`b<c')).toBe("`a'b&lt;c`");
  });
});

describe('Slack error codes', () => {
  it('reads the platform error, a response_url status, or the client code', () => {
    const platform = Object.assign(new Error('An API error occurred: not_in_channel'), { code: 'slack_webapi_platform_error', data: { ok: false, error: 'not_in_channel' } });
    expect(slackErrorCode(platform)).toBe('not_in_channel');
    expect(cannotPostHere(platform)).toBe(true);
    expect(channelGone(platform)).toBe(true);
    expect(slackErrorCode(Object.assign(new Error('respond'), { statusCode: 404 }))).toBe('http_404');
    expect(slackErrorCode(Object.assign(new Error('x'), { code: 'slack_webapi_request_error' }))).toBe('slack_webapi_request_error');
    const archived = { data: { error: 'is_archived' } };
    expect(channelGone(archived)).toBe(true);
    expect(cannotPostHere(archived)).toBe(false);
    expect(channelGone({ data: { error: 'ratelimited' } })).toBe(false);
  });
});
