import type { webApi } from '@slack/bolt';
import type { Attachment } from '../../commands/report';
import type { Logger } from '../../log';
import type { SlackMessage } from './blocks';
import { cannotPostHere, describeError } from './errors';
import { escapeText } from './mrkdwn';

/**
 * Puts rendered messages into a channel with the bot token (chat.postMessage, or chat.update of a
 * message the bot posted before), and uploads attachments with files.uploadV2.
 */

type WebClient = webApi.WebClient;

/** Posting stopped part-way: `posted` messages went out before `cause`. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    readonly posted: number,
    override readonly cause: unknown,
  ) {
    super(`Slack delivery failed after ${posted} message(s): ${describeError(cause).code}`);
  }
}

export interface ChannelPost {
  client: WebClient;
  channel: string;
  /** a message of ours to turn into the first part (the progress message) */
  replaceTs?: string | null;
  /** post into this thread (the ts of its first message) instead of the channel */
  threadTs?: string;
  log: Logger;
}

async function postOne(target: ChannelPost, message: SlackMessage, replaceTs: string | null): Promise<string | undefined> {
  const { client, channel, log, threadTs } = target;
  if (replaceTs) {
    try {
      const updated = await client.chat.update({ channel, ts: replaceTs, text: message.text, blocks: message.blocks });
      return updated.ts;
    } catch (error) {
      if (cannotPostHere(error)) throw error;
      // The progress message was deleted or can no longer be edited: post a new one instead.
      log.warn({ channel, ...describeError(error) }, 'could not edit the progress message; posting the report as a new message');
    }
  }
  // No link previews: advice links would each unfold into a card.
  const posted = await client.chat.postMessage({
    channel,
    text: message.text,
    blocks: message.blocks,
    unfurl_links: false,
    unfurl_media: false,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  });
  return posted.ts;
}

/** Posts every message in order. Throws DeliveryError (with how many went out) on the first failure. */
export async function postMessages(target: ChannelPost, messages: readonly SlackMessage[]): Promise<string[]> {
  const timestamps: string[] = [];
  for (const [i, message] of messages.entries()) {
    try {
      const ts = await postOne(target, message, i === 0 ? target.replaceTs ?? null : null);
      if (ts) timestamps.push(ts);
    } catch (error) {
      throw new DeliveryError(i, error);
    }
  }
  return timestamps;
}

/** Uploads attachments as one files.uploadV2 call (one message with all files), in a thread when given. */
export async function uploadAttachments(
  client: WebClient,
  channel: string,
  attachments: readonly Attachment[],
  about: string,
  threadTs?: string,
): Promise<void> {
  if (attachments.length === 0) return;
  await client.files.uploadV2({
    channel_id: channel,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    initial_comment: `Full data for ${escapeText(about)}`,
    file_uploads: attachments.map((a) => ({
      file: Buffer.isBuffer(a.data) ? a.data : Buffer.from(a.data, 'utf8'),
      filename: a.filename,
      title: a.description ?? a.filename,
    })),
  });
}
