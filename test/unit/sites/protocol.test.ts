import { UsageError } from '../../../src/commands/errors';
import { explainRedisError, parseRedisUrl, RedisUrlError } from '../../../src/sites/redis-url';
import { boundResult, LIMITS, parseJobResult, parseScanJob, ProtocolError } from '../../../src/sites/protocol';
import { splitSiteTargets } from '../../../src/sites/site-scans';
import { formatClock } from '../../../src/sites/time';
import { scrubSecrets } from '../../../src/log';
import type { ScanResult } from '../../../src/scanner/report-types';

const job = { v: 1, site: 'berlin', targets: ['10.81.0.0/24'], timeoutMs: 1000, requestedBy: 'bot', requestedAt: 1, expiresAt: 2 };

describe('scan job payloads (validated by the agent)', () => {
  test('a well-formed job passes', () => {
    expect(parseScanJob(job)).toEqual(job);
  });

  test.each([
    ['an unknown field', { ...job, addresses: ['8.8.8.8'] }, 'Unrecognized key: "addresses"'],
    ['a bad site name', { ...job, site: '../etc' }, 'site: not a site name'],
    ['too many targets', { ...job, targets: Array.from({ length: LIMITS.targets + 1 }, () => '10.0.0.1') }, 'targets'],
    ['an endless timeout', { ...job, timeoutMs: 10 * 3600_000 }, 'timeoutMs'],
    ['another protocol version', { ...job, v: 2 }, 'v:'],
  ])('%s is refused', (_what, payload, message) => {
    expect(() => parseScanJob(payload)).toThrow(ProtocolError);
    expect(() => parseScanJob(payload)).toThrow(message);
  });
});

function resultWith(hosts: number, ports: number): ScanResult {
  return {
    targets: ['10.0.0.0/16'], startedAt: '2026-01-01T00:00:00.000Z', durationMs: 1,
    hosts: Array.from({ length: hosts }, (_, i) => ({ ip: `10.0.${i >> 8}.${i & 255}`, mac: null, vendor: null, tplink: false, randomizedMac: false, gateway: false, openPorts: Array.from({ length: ports }, (_, p) => p + 1), model: null })),
    findings: [{ id: 'x', severity: 'high', ip: '10.0.0.0', title: 't', evidence: 'e', advice: [] }],
    advice: [],
  };
}

describe('scan results (bounded by the agent, checked by the bot)', () => {
  test('a result under the limit travels whole', () => {
    const payload = boundResult('berlin', 'a', resultWith(3, 3));
    expect(payload.droppedHosts).toBeUndefined();
    expect(parseJobResult(JSON.stringify(payload)).result.hosts).toHaveLength(3);
  });

  test('an oversized result loses host rows (never findings) until it fits, and says so', () => {
    const payload = boundResult('berlin', 'a', resultWith(1000, 2000));
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(LIMITS.resultBytes);
    expect(payload.droppedHosts).toBe(1000 - payload.result.hosts.length);
    expect(payload.result.partial).toBe(true);
    expect(payload.result.findings).toHaveLength(1);
    expect(() => parseJobResult(payload)).not.toThrow();
  });

  test('the bot refuses an oversized or malformed result before using it', () => {
    const huge = { v: 1, site: 'berlin', agent: 'a', result: resultWith(1000, 2000) };
    expect(() => parseJobResult(huge)).toThrow(/larger than the limit/);
    expect(() => parseJobResult({ v: 1, site: 'berlin', agent: 'a', result: { hosts: 'many' } })).toThrow(ProtocolError);
    expect(() => parseJobResult('{not json')).toThrow('scan result is not JSON');
  });
});

describe('REDIS_URL', () => {
  test('redis://, rediss:// (TLS) and unix:// give connection options and a display without the password', () => {
    expect(parseRedisUrl('redis://ra-bot:s3cret-pass@redis.example:6380/2')).toEqual({
      options: { host: 'redis.example', port: 6380, db: 2, username: 'ra-bot', password: 's3cret-pass' },
      display: 'redis://ra-bot:***@redis.example:6380/2', password: 's3cret-pass',
    });
    expect(parseRedisUrl('rediss://:pw@redis.example').options).toEqual({ host: 'redis.example', port: 6379, db: 0, password: 'pw', tls: { servername: 'redis.example' } });
    expect(parseRedisUrl('unix://u:p@localhost/run/redis.sock')).toMatchObject({ options: { path: '/run/redis.sock', username: 'u', password: 'p' }, display: 'unix://u:***@localhost/run/redis.sock' });
  });

  test.each(['http://h', 'redis://', 'not a url', 'redis://h/x', 'unix://localhost'])('"%s" is refused with the expected forms', (text) => {
    expect(() => parseRedisUrl(text)).toThrow(RedisUrlError);
  });

  test('connection errors are explained; wrong credentials are fatal, an absent server is not', () => {
    expect(explainRedisError(new Error('WRONGPASS invalid username-password pair or user is disabled.'), 'redis://u:***@h:6379')).toMatchObject({ kind: 'credentials', fatal: true });
    expect(explainRedisError(new Error('NOPERM this user has no permissions to run the \'info\' command'), 'd')).toMatchObject({ kind: 'permission', fatal: true });
    expect(explainRedisError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'd')).toMatchObject({ kind: 'unreachable', fatal: false });
  });

  test('the logger scrubs a Redis password out of any text', () => {
    expect(scrubSecrets('connecting to redis://ra-bot:s3cret-pass@h:6379 failed')).toBe('connecting to redis://ra-bot:[redacted]@h:6379 failed');
  });
});

describe('site targets', () => {
  test('site:NAME and site:* are split from network targets, names case-insensitively', () => {
    expect(splitSiteTargets(['site:Berlin', '10.0.0.0/24', 'site:*', 'site:berlin'])).toEqual({ sites: ['berlin'], all: true, targets: ['10.0.0.0/24'] });
  });

  test('a bad site name is a usage error saying what a name may be', () => {
    expect(() => splitSiteTargets(['site:../x'])).toThrow(UsageError);
    expect(() => splitSiteTargets(['site:'])).toThrow('is not a site name');
  });
});

describe('times in messages', () => {
  const now = Date.parse('2026-03-05T12:00:00Z');
  test('today: the time of day in the bot\'s zone; another day: with the date', () => {
    expect(formatClock(Date.parse('2026-03-05T10:42:30Z'), now, 'UTC')).toBe('10:42');
    expect(formatClock(Date.parse('2026-03-05T10:42:30Z'), now, 'Europe/Berlin')).toBe('11:42');
    expect(formatClock(Date.parse('2026-03-03T10:42:30Z'), now, 'UTC')).toBe('3 Mar 10:42');
  });
});
