import type { webApi } from '@slack/bolt';
import { newReference, type Dispatcher } from '../../commands/dispatch';
import { messageReport, type Report } from '../../commands/report';
import type { Caller, IncomingFile } from '../../commands/types';
import type { Logger } from '../../log';
import type { AccessCheck } from '../shared/access';
import { DownloadError, formatBytes, withUploadDir } from '../shared/download';
import { MAX_FILES_PER_REPLY, downloadFailedText, mayReadFiles, tooLargeText, uploadRefusal, type UploadSettings } from '../shared/uploads';
import { describeError, slackErrorCode } from './errors';
import { fileRefOf, type FileReply, type SlackFileRef } from './file-reply';
import type { FileRequest, PendingFileRequests } from './pending-files';
import { ThreadReply } from './thread-reply';

/**
 * Files a user sends as a reply in the thread of a report that asked for them (Report.awaitsFiles):
 * each is checked against the upload limit from the size Slack reports, downloaded with the bot
 * token (size-limited, into a temp directory of this reply), and the command is dispatched again
 * with them under the same access control as the slash command; the answer goes into the thread.
 */

export interface ThreadFilesDeps {
  client: webApi.WebClient;
  dispatcher: Dispatcher;
  authorize: AccessCheck;
  log: Logger;
  /** Slack's file URLs need it as a Bearer token */
  botToken: string;
  uploads: UploadSettings;
  pending: PendingFileRequests;
  progressIntervalMs: number;
  signal: AbortSignal;
  /** hosts that may receive the bot token with a file request */
  trustedHost: (url: URL) => boolean;
}

/** Slack's file hosts (and the Web API host of SLACK_API_URL): the only places the bot token is sent with a download. */
export function slackFileHosts(apiUrl?: string): (url: URL) => boolean {
  const apiHost = apiUrl ? safeHost(apiUrl) : undefined;
  return (url) => {
    const host = url.hostname.toLowerCase();
    if (apiHost && host === apiHost) return true;
    return ['slack.com', 'slack-gov.com', 'slack-edge.com'].some((domain) => host === domain || host.endsWith(`.${domain}`));
  };
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The text a late reply gets: the request it answers has closed. */
export function expiredText(windowMs: number): string {
  return `This request for a log file closed after ${Math.round(windowMs / 60_000)} minutes, so I did not read the file. Run /router-audit spray again and reply in the thread of the new message.`;
}

/** Completes what Slack left out of an event's file object (file_access: check_file_info). */
async function withDetails(client: webApi.WebClient, file: SlackFileRef): Promise<SlackFileRef | string> {
  if (!file.needsInfo) return file;
  try {
    const answer = await client.files.info({ file: file.id });
    const full = fileRefOf(answer.file);
    return full ?? `Slack did not describe "${file.name}" (files.info).`;
  } catch (error) {
    return `Could not look up "${file.name}" in Slack (files.info: ${slackErrorCode(error)}). Nothing was read from it.`;
  }
}

/** Why a described file will not be downloaded, or null when it may be. */
function refusalOf(file: SlackFileRef, maxBytes: number): string | null {
  if (file.external) return `"${file.name}" is a link to a file stored outside Slack. Upload the file itself.`;
  if (file.size !== undefined && file.size > maxBytes) return tooLargeText(file.name, file.size, maxBytes);
  if (!file.urlPrivateDownload) return `Slack gave no download link for "${file.name}".`;
  return null;
}

export async function answerFileReply(reply: FileReply, request: FileRequest, deps: ThreadFilesDeps): Promise<void> {
  const { log } = deps;
  const thread = new ThreadReply({ client: deps.client, channel: reply.channel, threadTs: request.threadTs, user: reply.user, log, progressIntervalMs: deps.progressIntervalMs });
  const caller: Caller = { platform: 'slack', userId: reply.user, channelId: reply.channel };
  let report: Report;
  try {
    report = await run(reply, request, caller, thread, deps);
  } catch (error) {
    const reference = newReference();
    log.error({ err: error, reference, user: reply.user }, 'slack: answering a file reply failed');
    report = messageReport('Something went wrong', `Reading your file failed. The details are in the bot's log under reference ${reference}.`, 'error', { reference, ephemeral: false });
  }
  const ts = await thread.finish(report);
  // The answer asks for files again (it always says how to send another): the same thread stays open for another window.
  if (ts && report.awaitsFiles) {
    deps.pending.remember({ channel: reply.channel, threadTs: request.threadTs, user: request.user, input: report.awaitsFiles.input });
  }
}

async function run(reply: FileReply, request: FileRequest, caller: Caller, thread: ThreadReply, deps: ThreadFilesDeps): Promise<Report> {
  const { dispatcher, authorize, log, uploads } = deps;
  const dispatch = (files?: IncomingFile[]): Promise<Report> =>
    dispatcher.dispatch({ surface: 'slack', caller, input: request.input, progress: thread.progress, signal: deps.signal, authorize, ...(files ? { files } : {}) });

  // Refused callers get the dispatcher's refusal (privately); nothing is fetched for them.
  if (!mayReadFiles(dispatcher, request.input, 'slack', authorize, caller)) return dispatch();

  const notes: string[] = [];
  const skipped = reply.files.slice(MAX_FILES_PER_REPLY);
  if (skipped.length > 0) notes.push(`I read at most ${MAX_FILES_PER_REPLY} files from one reply; not read: ${skipped.map((f) => `"${f.name}"`).join(', ')}.`);
  const ready: SlackFileRef[] = [];
  for (const offered of reply.files.slice(0, MAX_FILES_PER_REPLY)) {
    const file = await withDetails(deps.client, offered);
    const refusal = typeof file === 'string' ? file : refusalOf(file, uploads.maxBytes);
    if (refusal || typeof file === 'string') {
      log.info({ user: reply.user, file: offered.name, size: offered.size, limit: uploads.maxBytes }, 'slack: file reply not downloaded');
      notes.push(refusal ?? String(file));
      continue;
    }
    ready.push(file);
  }
  if (ready.length === 0) return uploadRefusal(notes.join('\n\n'), { ephemeral: false });
  if (notes.length > 0) await thread.say(uploadRefusal(notes.join('\n\n'), { ephemeral: false }));

  return withUploadDir(
    uploads.tempRoot,
    async (dir) => {
      const downloaded: IncomingFile[] = [];
      const failures: string[] = [];
      for (const file of ready) {
        thread.progress(`Downloading ${file.name}${file.size !== undefined ? ` (${formatBytes(file.size)})` : ''}…`);
        try {
          downloaded.push(
            await dir.download({
              url: file.urlPrivateDownload ?? '',
              name: file.name,
              headers: { authorization: `Bearer ${deps.botToken}` },
              maxBytes: uploads.maxBytes,
              ...(file.size !== undefined ? { declaredSize: file.size } : {}),
              // Slack answers a request it does not accept with its sign-in page, not an error.
              refuseHtml: true,
              trustedHost: deps.trustedHost,
              signal: deps.signal,
              ...(uploads.timeoutMs !== undefined ? { timeoutMs: uploads.timeoutMs } : {}),
              ...(uploads.idleTimeoutMs !== undefined ? { idleTimeoutMs: uploads.idleTimeoutMs } : {}),
            }),
          );
        } catch (error) {
          if (!(error instanceof DownloadError)) throw error;
          log.warn({ user: reply.user, file: file.name, problem: error.problem, received: error.received, reason: error.message }, 'slack: file reply download failed');
          failures.push(downloadFailedText(file.name, error, uploads.maxBytes));
        }
      }
      if (downloaded.length === 0) return uploadRefusal(failures.join('\n\n'), { ephemeral: false });
      if (failures.length > 0) await thread.say(uploadRefusal(failures.join('\n\n'), { ephemeral: false }));
      log.info({ user: reply.user, files: downloaded.map((f) => ({ name: f.name, size: f.size })) }, 'slack: file reply downloaded');
      return dispatch(downloaded);
    },
    (error, dir) => log.error({ err: error, dir, ...describeError(error) }, 'slack: could not remove the temp directory of a file reply'),
  );
}
