import type { webApi } from '@slack/bolt';
import type { Report } from '../../commands/report';
import type { Logger } from '../../log';
import { throttle, type Throttled } from '../shared/throttle';
import { postMessages, uploadAttachments } from './deliver';
import { describeError, slackErrorCode } from './errors';
import { renderProgress, renderReport } from './render';

/**
 * Everything a command started from a thread reply sends back, inside that thread: one progress
 * message (edited, throttled), notes on the way, then the report in the progress message's place
 * with its uploads in the thread too. Private reports (a refusal) go to the user alone with
 * chat.postEphemeral. There is no response_url here: the bot answers with its token only. Never throws.
 */

export interface ThreadReplyOptions {
  client: webApi.WebClient;
  channel: string;
  /** the thread's parent message */
  threadTs: string;
  /** who replied: private answers go to them */
  user: string;
  log: Logger;
  progressIntervalMs: number;
}

export class ThreadReply {
  private progressTs: string | null = null;
  private finished = false;
  /** posts and edits run one after another, in the order they were asked for */
  private queue: Promise<void> = Promise.resolve();
  private readonly throttled: Throttled<string>;

  constructor(private readonly options: ThreadReplyOptions) {
    this.throttled = throttle((text: string) => this.enqueue('progress', () => this.showProgress(text)), options.progressIntervalMs);
  }

  /** For CommandContext.progress: cheap, synchronous, safe to call often. */
  readonly progress = (text: string): void => {
    if (!this.finished) this.throttled(text);
  };

  /** A message in the thread now (a note or a refusal that does not end the conversation). */
  say(report: Report): Promise<void> {
    this.enqueue('note', () => this.deliver(report, null).then(() => undefined));
    return this.queue;
  }

  /** The final report, in place of the progress message. Resolves with its first message's ts (null: private or not sent). */
  async finish(report: Report): Promise<string | null> {
    this.finished = true;
    this.throttled.cancel();
    await this.queue;
    const replaceTs = this.progressTs;
    this.progressTs = null;
    try {
      return await this.deliver(report, replaceTs);
    } catch (error) {
      this.options.log.error({ channel: this.options.channel, ...describeError(error) }, 'could not deliver the report in the thread');
      return null;
    }
  }

  private enqueue(what: string, task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => this.options.log.warn({ what, ...describeError(error) }, 'thread reply failed'));
  }

  private async showProgress(text: string): Promise<void> {
    if (this.finished) return;
    const { client, channel, threadTs } = this.options;
    const message = renderProgress(text);
    if (this.progressTs) {
      await client.chat.update({ channel, ts: this.progressTs, text: message.text, blocks: message.blocks });
    } else {
      const posted = await client.chat.postMessage({ channel, thread_ts: threadTs, text: message.text, blocks: message.blocks });
      this.progressTs = posted.ts ?? null;
    }
  }

  private async deliver(report: Report, replaceTs: string | null): Promise<string | null> {
    const { client, channel, threadTs, user, log } = this.options;
    const rendered = renderReport(report);
    if (report.ephemeral) {
      for (const message of rendered.messages) {
        await client.chat.postEphemeral({ channel, user, thread_ts: threadTs, text: message.text, blocks: message.blocks });
      }
      if (replaceTs) await this.remove(replaceTs);
      return null;
    }
    const [first] = await postMessages({ client, channel, threadTs, replaceTs, log }, rendered.messages);
    if (rendered.uploads.length > 0) {
      try {
        await uploadAttachments(client, channel, rendered.uploads, report.title, threadTs);
      } catch (error) {
        log.warn({ channel, files: rendered.uploads.map((a) => a.filename).join(', '), ...describeError(error) }, 'files.uploadV2 failed in a thread');
      }
    }
    return first ?? null;
  }

  private async remove(ts: string): Promise<void> {
    const { client, channel, log } = this.options;
    await client.chat.delete({ channel, ts }).catch((error: unknown) => {
      log.debug({ channel, code: slackErrorCode(error) }, 'could not delete the progress message in the thread');
    });
  }
}
