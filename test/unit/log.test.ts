import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger, scrubSecrets } from '../../src/log';
import { newTempDir } from '../support/temp-dir';

describe('secret scrubbing', () => {
  it('removes configured secrets and token-shaped strings from text', () => {
    expect(scrubSecrets('auth failed for my-signing-secret-1', ['my-signing-secret-1'])).toBe('auth failed for [redacted]');
    expect(scrubSecrets('token xoxb-1234567890-abcdefghij rejected')).toBe('token [redacted] rejected');
    expect(scrubSecrets('app token xapp-1-A0000-123456-abcdef')).toBe('app token [redacted]');
    expect(scrubSecrets('redis://agent:hunter22@10.0.0.5:6379')).toBe('redis://agent:[redacted]@10.0.0.5:6379');
  });

  it('never writes a secret to the log file, by field or inside a message or error', async () => {
    const dir = newTempDir('ra-log-');
    const file = path.join(dir, 'bot.log');
    const log = createLogger({ file, secrets: ['S3cr3t-signing-value'] });
    log.info({ token: 'xoxb-abc', config: { slack: { botToken: 'xoxb-abc' } } }, 'starting');
    log.error({ err: new Error('request with S3cr3t-signing-value failed') }, 'oops xoxb-99999999-zzzzzzzz');
    log.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('starting');
    expect(written).toContain('[redacted]');
    expect(written).not.toContain('xoxb-abc');
    expect(written).not.toContain('S3cr3t-signing-value');
    expect(written).not.toContain('xoxb-99999999');
  });
});
