import { AttachmentBuilder, type InteractionEditReplyOptions, type MessageMentionOptions, type RawFile, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { DiscordMessage } from './limits';

/**
 * A rendered message → what discord.js sends: options for editReply/followUp, or the raw body and
 * files of POST channels/:id/messages. Nothing a bot sends may ping anyone: report text comes
 * partly from devices on the network.
 */

export const NO_MENTIONS: MessageMentionOptions = { parse: [] };

export function attachments(message: DiscordMessage): AttachmentBuilder[] {
  return message.files.map((file) => new AttachmentBuilder(file.data, { name: file.name, ...(file.description ? { description: file.description } : {}) }));
}

/** Options for editReply (the empty content clears a progress line the reply showed before). */
export function replyOptions(message: DiscordMessage): InteractionEditReplyOptions {
  return { content: message.content ?? '', embeds: message.embeds, files: attachments(message), allowedMentions: NO_MENTIONS };
}

export function channelMessageRequest(message: DiscordMessage): { body: RESTPostAPIChannelMessageJSONBody; files: RawFile[] } {
  return {
    body: {
      ...(message.content ? { content: message.content } : {}),
      embeds: message.embeds,
      allowed_mentions: { parse: [] },
      attachments: message.files.map((file, id) => ({ id, filename: file.name, ...(file.description ? { description: file.description } : {}) })),
    },
    files: message.files.map((file) => ({ name: file.name, data: file.data, contentType: file.contentType })),
  };
}
