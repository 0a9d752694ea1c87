import path from 'node:path';
import { digestRig, textOf, type DigestRig } from '../schedule/digest-rig';
import { host } from '../store/fixtures';
import { sprayEvents, writeEntraLog } from '../../support/signin-logs';
import { newTempDir } from '../../support/temp-dir';

/** Digests with SPRAY_LOG_PATHS: new spray activity since the previous digest is part of the post. */

let rig: DigestRig;
afterEach(async () => {
  await rig?.close();
});

describe('digest with sign-in logs', () => {
  const dir = newTempDir('ra-digest-spray-');
  // The rig's clock starts at 2025-06-02 12:00 UTC; the spray ran that morning.
  const logs = writeEntraLog(path.join(dir, 'signins.ndjson'), sprayEvents('203.0.113.9', 12, new Date('2025-06-02T08:00:00Z'), 'user2@contoso.com'));

  it('adds new spray activity, masked in chat, and says when there is none since the last digest', async () => {
    rig = await digestRig('2025-06-02T12:00:00Z', { SPRAY_LOG_PATHS: logs });
    rig.runner.hosts = [host('10.20.0.5', { openPorts: [22] })];
    await rig.say('digest daily 08:00 10.20.0.0/24');

    const first = await rig.say('digest now 1');
    const part = first.sections.find((s) => s.kind === 'findings' && s.heading?.startsWith('New password-spray activity'));
    expect(part?.kind === 'findings' && part.findings.map((f) => f.severity)).toContain('critical');
    expect(first.summary).toContain('password spray:');
    expect(first.highestSeverity).toBe('critical');
    expect(textOf(first) + JSON.stringify(part)).toContain('u***2@contoso.com');
    expect(JSON.stringify(first)).not.toContain('user2@contoso.com');

    await rig.clock.advanceBy(60 * 60_000);
    const second = await rig.say('digest now 1');
    expect(second.summary).toMatch(/^No change since/);
    expect(textOf(second)).toContain('No new password-spray activity in the sign-in logs since');
    expect(second.highestSeverity).toBeUndefined();
  });

  it('leaves digests alone when no logs are configured', async () => {
    rig = await digestRig('2025-06-02T12:00:00Z');
    await rig.say('digest daily 08:00 10.20.0.0/24');
    expect(textOf(await rig.say('digest now 1'))).not.toContain('spray');
  });
});
