import { fileReplyOf, fileRefOf } from '../../../../src/bot/slack/file-reply';
import { PendingFileRequests, RecentKeys } from '../../../../src/bot/slack/pending-files';
import { slackFileHosts } from '../../../../src/bot/slack/thread-files';

const FILE = {
  id: 'F0001',
  name: 'signins.json',
  size: 2048,
  mimetype: 'application/json',
  url_private: 'https://files.slack.com/files-pri/T1-F0001/signins.json',
  url_private_download: 'https://files.slack.com/files-pri/T1-F0001/download/signins.json',
  mode: 'hosted',
  is_external: false,
};

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'message', subtype: 'file_share', channel: 'C1', user: 'U1', ts: '1700000100.000200', thread_ts: '1700000000.000100', files: [FILE], ...overrides };
}

describe('fileReplyOf: a Slack message event read as a file reply in a thread', () => {
  it('reads channel, user, thread and the file details', () => {
    expect(fileReplyOf(event())).toEqual({
      channel: 'C1',
      user: 'U1',
      ts: '1700000100.000200',
      threadTs: '1700000000.000100',
      files: [{ id: 'F0001', name: 'signins.json', size: 2048, urlPrivateDownload: FILE.url_private_download, mimetype: 'application/json', external: false, needsInfo: false }],
    });
    // A plain reply carrying files (no subtype) and one also sent to the channel count too.
    expect(fileReplyOf(event({ subtype: undefined }))).not.toBeNull();
    expect(fileReplyOf(event({ subtype: 'thread_broadcast' }))).not.toBeNull();
  });

  it.each([
    ['a message in the channel, not a thread', { thread_ts: undefined }],
    ['the thread parent itself', { thread_ts: '1700000100.000200' }],
    ['a reply without files', { files: [] }],
    ['an edit', { subtype: 'message_changed' }],
    ['a bot message', { subtype: 'bot_message', bot_id: 'B1' }],
    ['a message of an app (bot_id set)', { bot_id: 'B2' }],
    ['no user', { user: undefined }],
  ])('is null for %s', (_what, overrides) => {
    expect(fileReplyOf(event(overrides))).toBeNull();
  });

  it('is null for what is not a message event at all', () => {
    expect(fileReplyOf(null)).toBeNull();
    expect(fileReplyOf({ type: 'reaction_added' })).toBeNull();
    expect(fileReplyOf('message')).toBeNull();
  });

  it('marks stubs and incomplete objects for files.info, and links to outside storage as external', () => {
    expect(fileRefOf({ id: 'F2', mode: 'file_access', file_access: 'check_file_info' })).toMatchObject({ id: 'F2', name: 'F2', needsInfo: true });
    expect(fileRefOf({ ...FILE, size: undefined })?.needsInfo).toBe(true);
    expect(fileRefOf({ ...FILE, url_private_download: undefined })).toMatchObject({ urlPrivateDownload: FILE.url_private, needsInfo: false });
    expect(fileRefOf({ ...FILE, mode: 'external', is_external: true })?.external).toBe(true);
    expect(fileRefOf({ ...FILE, size: -1 })?.size).toBeUndefined();
    expect(fileRefOf({ name: 'no id' })).toBeNull();
  });
});

describe('PendingFileRequests', () => {
  const request = { channel: 'C1', threadTs: '1.1', user: 'U1', input: 'spray' };

  it('is open for the window, then answers "expired" for a while, then forgets', () => {
    let now = 0;
    const pending = new PendingFileRequests({ windowMs: 1000, lateHintMs: 5000, now: () => now });
    pending.remember(request);
    expect(pending.lookup('C1', '1.1')).toEqual({ state: 'open', request });
    now = 1000;
    expect(pending.lookup('C1', '1.1')?.state).toBe('open');
    now = 1001;
    expect(pending.lookup('C1', '1.1')?.state).toBe('expired');
    now = 6002;
    expect(pending.lookup('C1', '1.1')).toBeUndefined();
    expect(pending.size).toBe(0);
    expect(pending.lookup('C2', '1.1')).toBeUndefined();
  });

  it('reopens a thread for another window when remembered again, and forgets on request', () => {
    let now = 0;
    const pending = new PendingFileRequests({ windowMs: 1000, now: () => now });
    pending.remember(request);
    now = 900;
    pending.remember({ ...request, input: 'spray --since "7d"' });
    now = 1800;
    expect(pending.lookup('C1', '1.1')).toEqual({ state: 'open', request: { ...request, input: 'spray --since "7d"' } });
    pending.forget('C1', '1.1');
    expect(pending.lookup('C1', '1.1')).toBeUndefined();
  });

  it('stays bounded: the oldest requests go first', () => {
    const pending = new PendingFileRequests({ maxEntries: 3 });
    for (let i = 1; i <= 5; i += 1) pending.remember({ ...request, threadTs: `${i}.0` });
    expect(pending.size).toBe(3);
    expect(pending.lookup('C1', '1.0')).toBeUndefined();
    expect(pending.lookup('C1', '2.0')).toBeUndefined();
    expect(pending.lookup('C1', '5.0')?.state).toBe('open');
  });
});

describe('RecentKeys', () => {
  it('says true once per key and forgets the oldest beyond its size', () => {
    const keys = new RecentKeys(2);
    expect(keys.firstTime('a')).toBe(true);
    expect(keys.firstTime('a')).toBe(false);
    keys.firstTime('b');
    keys.firstTime('c');
    expect(keys.firstTime('a')).toBe(true);
  });
});

describe('slackFileHosts: where the bot token may go with a download', () => {
  it('takes Slack\'s file hosts and the SLACK_API_URL host, nothing else', () => {
    const trusted = slackFileHosts('https://slack.example.internal/api/');
    expect(trusted(new URL('https://files.slack.com/files-pri/T1-F1/download/a.json'))).toBe(true);
    expect(trusted(new URL('https://slack.example.internal/files-pri/x'))).toBe(true);
    expect(trusted(new URL('https://files.slack-gov.com/x'))).toBe(true);
    expect(trusted(new URL('https://evilslack.com/x'))).toBe(false);
    expect(trusted(new URL('https://files.slack.com.evil.net/x'))).toBe(false);
    expect(slackFileHosts()(new URL('https://slack.example.internal/x'))).toBe(false);
  });
});
