import type { RespondArguments, RespondFn, webApi } from '@slack/bolt';
import type { Report } from '../../commands/report';
import type { Logger } from '../../log';
import { throttle, type Throttled } from '../shared/throttle';
import type { SlackMessage } from './blocks';
import { DeliveryError, postMessages, uploadAttachments } from './deliver';
import { cannotPostHere, describeError, slackErrorCode } from './errors';
import { SLACK_LIMITS } from './limits';
import { renderNote, renderProgress, renderReport, withNote, type RenderedReport } from './render';

/**
 * Everything one slash command sends back: one progress message in the channel, edited as the
 * command runs (throttled), then the report in its place. Private reports (usage errors,
 * refusals) go through the response_url as ephemeral messages; when the bot may not post in the
 * channel, the response_url carries the report in_channel instead. Never throws.
 */

export interface CommandReplyOptions {
  client: webApi.WebClient;
  respond: RespondFn;
  channelId: string;
  log: Logger;
  /** minimum time between two edits of the progress message */
  progressIntervalMs: number;
}

export class CommandReply {
  private progressTs: string | null = null;
  /** false once Slack said the bot cannot post in this channel */
  private canPost = true;
  private finished = false;
  private respondUses = 0;
  /** progress posts and edits run one after another, never two at once */
  private queue: Promise<void> = Promise.resolve();
  private readonly throttled: Throttled<string>;

  constructor(private readonly options: CommandReplyOptions) {
    this.throttled = throttle((text: string) => this.enqueue(() => this.showProgress(text)), options.progressIntervalMs);
  }

  /** For CommandContext.progress: cheap, synchronous, safe to call often. */
  readonly progress = (text: string): void => {
    if (!this.finished) this.throttled(text);
  };

  private enqueue(task: () => Promise<void>): void {
    this.queue = this.queue.then(task).catch((error: unknown) => this.options.log.warn({ ...describeError(error) }, 'progress update failed'));
  }

  private async showProgress(text: string): Promise<void> {
    if (this.finished || !this.canPost) return;
    const { client, channelId: channel } = this.options;
    const message = renderProgress(text);
    try {
      if (this.progressTs) {
        await client.chat.update({ channel, ts: this.progressTs, text: message.text, blocks: message.blocks });
      } else {
        const posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
        this.progressTs = posted.ts ?? null;
      }
    } catch (error) {
      if (!cannotPostHere(error)) throw error;
      this.canPost = false;
      this.options.log.info({ channel, code: slackErrorCode(error) }, 'cannot post in this channel; answering through the response_url');
      await this.respondWith(
        renderNote(`${text} (I am not a member of this channel, so the report will come as a reply to your command. Invite me to see progress here.)`),
        'ephemeral',
      );
    }
  }

  /**
   * Sends the final report. Resolves when everything that could be sent was sent, with the ts of
   * the report's first message when it went into the channel as a message of the bot's (a thread
   * can hang off it); null when it went privately or through the response_url.
   */
  async finish(report: Report): Promise<string | null> {
    this.finished = true;
    this.throttled.cancel();
    await this.queue;
    const rendered = renderReport(report);
    try {
      if (report.ephemeral) {
        await this.respondAll(rendered.messages, 'ephemeral');
        await this.retireProgress();
        return null;
      }
      return await this.publish(report, rendered);
    } catch (error) {
      this.options.log.error({ channel: this.options.channelId, ...describeError(error) }, 'could not deliver the report');
      return null;
    }
  }

  private async publish(report: Report, rendered: RenderedReport): Promise<string | null> {
    const { client, channelId: channel, log } = this.options;
    let posted = 0;
    let why = 'because I am not a member of this channel. Invite me and ask again to get the files.';
    if (this.canPost) {
      try {
        const [first] = await postMessages({ client, channel, replaceTs: this.progressTs, log }, rendered.messages);
        await this.upload(report, rendered);
        return first ?? null;
      } catch (error) {
        if (!(error instanceof DeliveryError)) throw error;
        posted = error.posted;
        if (!cannotPostHere(error.cause)) why = `(Slack answered ${slackErrorCode(error.cause)}).`;
        const level = cannotPostHere(error.cause) ? 'info' : 'warn';
        log[level]({ channel, posted, ...describeError(error.cause) }, 'chat.postMessage failed; answering through the response_url');
      }
    }
    let rest = rendered.messages.slice(posted);
    if (rendered.uploads.length > 0) {
      const names = rendered.uploads.map((a) => a.filename).join(', ');
      rest = withNote(rest, `I could not attach ${names} here ${why}`);
    }
    await this.respondAll(rest, 'in_channel');
    await this.retireProgress();
    return null;
  }

  private async upload(report: Report, rendered: RenderedReport): Promise<void> {
    if (rendered.uploads.length === 0) return;
    const { client, channelId: channel, log } = this.options;
    try {
      await uploadAttachments(client, channel, rendered.uploads, report.title);
    } catch (error) {
      const names = rendered.uploads.map((a) => a.filename).join(', ');
      log.warn({ channel, files: names, ...describeError(error) }, 'files.uploadV2 failed');
      await this.respondWith(renderNote(`I could not attach ${names} (${slackErrorCode(error)}).`), 'ephemeral');
    }
  }

  /** The progress message of a command whose answer went elsewhere: remove it, or say where the answer went. */
  private async retireProgress(): Promise<void> {
    if (!this.progressTs) return;
    const { client, channelId: channel, log } = this.options;
    const ts = this.progressTs;
    this.progressTs = null;
    try {
      await client.chat.delete({ channel, ts });
    } catch (error) {
      log.debug({ channel, ...describeError(error) }, 'could not delete the progress message; editing it instead');
      const note = renderNote('Answered privately.');
      await client.chat.update({ channel, ts, text: note.text, blocks: note.blocks }).catch((failure: unknown) => {
        log.warn({ channel, ...describeError(failure) }, 'could not retire the progress message');
      });
    }
  }

  private async respondAll(messages: readonly SlackMessage[], responseType: 'ephemeral' | 'in_channel'): Promise<void> {
    for (const message of messages) await this.respondWith(message, responseType);
  }

  /** One message through the response_url; Slack takes five per command, the rest is logged. */
  private async respondWith(message: SlackMessage, responseType: 'ephemeral' | 'in_channel'): Promise<void> {
    if (this.respondUses >= SLACK_LIMITS.responseUrlUses) {
      this.options.log.warn({ channel: this.options.channelId }, 'response_url used up; a message was not sent');
      return;
    }
    this.respondUses += 1;
    const payload: RespondArguments = { response_type: responseType, text: message.text, blocks: message.blocks };
    try {
      await this.options.respond(payload);
    } catch (error) {
      this.options.log.warn({ channel: this.options.channelId, ...describeError(error) }, 'respond() failed');
    }
  }
}
