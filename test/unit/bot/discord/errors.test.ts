import { DiscordAPIError, HTTPError } from 'discord.js';
import { describeDiscordError, isChannelGone, isInteractionExpired, redactPath } from '../../../../src/bot/discord/errors';

const TOKEN = 'aW50ZXJhY3Rpb246secretSecretSecret';

function apiError(code: number, status: number, url: string): DiscordAPIError {
  return new DiscordAPIError({ code, message: 'x' }, code, status, 'PATCH', url, { body: undefined, files: undefined });
}

describe('Discord errors as log fields', () => {
  it('cuts interaction tokens out of webhook and callback paths', () => {
    expect(redactPath(`http://127.0.0.1:1/api/v10/webhooks/200000000000000001/${TOKEN}/messages/@original`)).toBe('/api/v10/webhooks/200000000000000001/:token/messages/@original');
    expect(redactPath(`/api/v10/interactions/123/${TOKEN}/callback`)).toBe('/api/v10/interactions/123/:token/callback');
    expect(redactPath('/api/v10/channels/5/messages')).toBe('/api/v10/channels/5/messages');
  });

  it('describes API and HTTP errors without the token', () => {
    const fields = describeDiscordError(apiError(50027, 401, `https://discord.com/api/v10/webhooks/1/${TOKEN}/messages/@original`));
    expect(fields).toMatchObject({ code: 50027, status: 401, method: 'PATCH' });
    expect(JSON.stringify(fields)).not.toContain(TOKEN);
    const http = describeDiscordError(new HTTPError(502, 'Bad Gateway', 'POST', `https://discord.com/api/v10/interactions/1/${TOKEN}/callback`, { body: undefined, files: undefined }));
    expect(http).toMatchObject({ status: 502, path: '/api/v10/interactions/1/:token/callback' });
    expect(describeDiscordError('boom')).toEqual({ error: 'unknown', message: 'boom' });
  });

  it('knows a gone channel and an expired interaction by their codes', () => {
    expect(isChannelGone(apiError(10003, 404, '/channels/1/messages'))).toBe(true);
    expect(isChannelGone(apiError(50001, 403, '/channels/1/messages'))).toBe(true);
    expect(isChannelGone(apiError(50013, 403, '/channels/1/messages'))).toBe(false);
    expect(isInteractionExpired(apiError(50027, 401, '/webhooks/1/t/messages/@original'))).toBe(true);
    expect(isInteractionExpired(new Error('x'))).toBe(false);
  });
});
