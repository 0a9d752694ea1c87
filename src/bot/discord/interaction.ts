import { MessageFlags, type Attachment, type ChatInputCommandInteraction } from 'discord.js';
import { newReference, type Dispatcher } from '../../commands/dispatch';
import { messageReport, type Report } from '../../commands/report';
import type { Caller } from '../../commands/types';
import type { Logger } from '../../log';
import type { AccessCheck } from '../shared/access';
import { DownloadError, formatBytes, withUploadDir } from '../shared/download';
import { throttle } from '../shared/throttle';
import { downloadFailedText, mayReadFiles, tooLargeText, uploadRefusal, type UploadSettings } from '../shared/uploads';
import { FILE_OPTION, tokensFromOptions } from './command-data';
import { describeDiscordError, isInteractionExpired } from './errors';
import { DISCORD_LIMITS, type DiscordMessage } from './limits';
import { escapeText, truncate } from './markdown';
import { NO_MENTIONS, attachments, replyOptions } from './payload';
import { renderReport } from './render';

/**
 * One `/router-audit` interaction: acknowledge within Discord's 3 s (deferReply, private when the
 * answer is known to be private), run the command through the dispatcher, show progress by
 * editing the deferred reply, then the report as the edit plus follow-ups. A file in the command's
 * attachment option (spray's log) is checked against the upload limit before anything else,
 * downloaded (size-limited) into a temp directory only when the command may run, passed to the
 * command, and deleted when it is done.
 */

export interface InteractionDeps {
  dispatcher: Dispatcher;
  authorize: AccessCheck;
  log: Logger;
  /** at most one progress edit per this many ms (Discord rate-limits webhook edits) */
  progressIntervalMs: number;
  signal: AbortSignal;
  /** posts to the channel when the interaction expired before the report was ready */
  postToChannel: (channelId: string, report: Report) => Promise<void>;
  /** files users attach: the limit (SPRAY_MAX_UPLOAD_MB) and where they are kept while the command runs */
  uploads: UploadSettings;
}

/** Discord's attachment hosts; a file link anywhere else is not fetched (loopback is, for tests). */
export function discordFileHost(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return ['discordapp.com', 'discordapp.net', 'discord.com'].some((domain) => host === domain || host.endsWith(`.${domain}`));
}

/** The file in the command's attachment option, if the user attached one. */
export function attachedFile(interaction: ChatInputCommandInteraction): Attachment | null {
  return interaction.options.getAttachment(FILE_OPTION, false);
}

/** Role ids of the member: from the cached guild, or from the raw payload when not cached. */
export function memberRoles(interaction: ChatInputCommandInteraction): string[] {
  if (interaction.inCachedGuild()) return [...interaction.member.roles.cache.keys()];
  const member = interaction.member;
  if (member && Array.isArray(member.roles)) return [...member.roles];
  return [];
}

export function callerOf(interaction: ChatInputCommandInteraction): Caller {
  return {
    platform: 'discord',
    userId: interaction.user.id,
    channelId: interaction.channelId,
    roles: memberRoles(interaction),
    displayName: interaction.user.username,
  };
}

/** Whether the answer will be private, decided without running anything: a usage error or a refusal. */
export function answerIsPrivate(dispatcher: Dispatcher, tokens: readonly string[], authorize: AccessCheck, caller: Caller): boolean {
  const parsed = dispatcher.parse(tokens, 'discord');
  if (parsed.kind === 'usage') return true;
  if (parsed.kind !== 'command' || parsed.spec.access === 'open') return false;
  return authorize(parsed.spec, caller) !== null;
}

/** Runs edits one after another, so a late progress edit never lands after the report. */
class EditQueue {
  private chain: Promise<void> = Promise.resolve();
  constructor(private readonly log: Logger) {}
  push(what: string, edit: () => Promise<unknown>): void {
    this.chain = this.chain.then(edit).then(
      () => undefined,
      (error: unknown) => this.log.warn({ ...describeDiscordError(error), what }, 'discord progress edit failed'),
    );
  }
  idle(): Promise<void> {
    return this.chain;
  }
}

export async function handleInteraction(interaction: ChatInputCommandInteraction, deps: InteractionDeps): Promise<void> {
  const { dispatcher, authorize, log } = deps;
  const tokens = tokensFromOptions(interaction.options.data);
  const caller = callerOf(interaction);
  const file = attachedFile(interaction);
  const maxBytes = deps.uploads.maxBytes;
  // Decided from the size Discord reports, before anything is downloaded: a 2 GB file is never fetched.
  const oversize = file !== null && file.size > maxBytes;
  let privately = oversize;
  try {
    privately ||= answerIsPrivate(dispatcher, tokens, authorize, caller);
  } catch (error) {
    // Deciding early is an optimisation; the dispatcher will answer (and log) whatever went wrong.
    log.warn({ err: error }, 'discord: could not decide early whether the answer is private');
  }
  try {
    await interaction.deferReply(privately ? { flags: MessageFlags.Ephemeral } : {});
  } catch (error) {
    // Without an acknowledgement Discord has already told the user it failed: run nothing.
    log.warn({ ...describeDiscordError(error), user: caller.userId }, 'discord: could not acknowledge the interaction');
    return;
  }

  const edits = new EditQueue(log);
  const progress = throttle((text: string) => {
    edits.push('progress', () => interaction.editReply({ content: `⏳ ${truncate(escapeText(text), DISCORD_LIMITS.content - 2)}`, allowedMentions: NO_MENTIONS }));
  }, deps.progressIntervalMs);

  let report: Report;
  try {
    if (file && oversize) {
      log.info({ user: caller.userId, file: file.name, size: file.size, limit: maxBytes }, 'discord: attachment over the upload limit; not downloaded');
      report = uploadRefusal(tooLargeText(file.name, file.size, maxBytes));
    } else if (file && mayReadFiles(dispatcher, tokens, 'discord', authorize, caller)) {
      report = await runWithFile(file, tokens, caller, progress, deps);
    } else {
      // No file, or a command that will be refused or does not read files: the dispatcher answers, nothing is fetched.
      report = await dispatcher.dispatch({ surface: 'discord', caller, input: tokens, progress, authorize, signal: deps.signal });
    }
  } catch (error) {
    // The dispatcher turns command failures into reports; this is the guard for a bug outside them.
    const reference = newReference();
    log.error({ err: error, reference, user: caller.userId }, 'discord: dispatch failed');
    report = messageReport('Something went wrong', `The command failed. The details are in the bot's log under reference ${reference}.`, 'error', { reference });
  }
  progress.cancel();
  await edits.idle();
  await deliver(interaction, report, privately, deps);
}

/** Downloads the attachment into a temp directory of this command, runs the command on it, removes the directory. */
async function runWithFile(file: Attachment, tokens: readonly string[], caller: Caller, progress: (text: string) => void, deps: InteractionDeps): Promise<Report> {
  const { dispatcher, authorize, log, uploads } = deps;
  return withUploadDir(
    uploads.tempRoot,
    async (dir) => {
      progress(`Downloading ${file.name} (${formatBytes(file.size)})…`);
      let downloaded;
      try {
        downloaded = await dir.download({
          url: file.url,
          name: file.name,
          maxBytes: uploads.maxBytes,
          declaredSize: file.size,
          trustedHost: discordFileHost,
          signal: deps.signal,
          ...(uploads.timeoutMs !== undefined ? { timeoutMs: uploads.timeoutMs } : {}),
          ...(uploads.idleTimeoutMs !== undefined ? { idleTimeoutMs: uploads.idleTimeoutMs } : {}),
        });
      } catch (error) {
        if (!(error instanceof DownloadError)) throw error;
        log.warn({ user: caller.userId, file: file.name, problem: error.problem, received: error.received, reason: error.message }, 'discord: attachment not downloaded');
        return uploadRefusal(downloadFailedText(file.name, error, uploads.maxBytes));
      }
      log.info({ user: caller.userId, file: file.name, size: downloaded.size }, 'discord: attachment downloaded');
      return dispatcher.dispatch({ surface: 'discord', caller, input: tokens, progress, authorize, signal: deps.signal, files: [downloaded] });
    },
    (error, dir) => log.error({ err: error, dir }, 'discord: could not remove the temp directory of an upload'),
  );
}

async function deliver(interaction: ChatInputCommandInteraction, report: Report, deferredPrivately: boolean, deps: InteractionDeps): Promise<void> {
  const messages = renderReport(report);
  const ephemeral = deferredPrivately || report.ephemeral === true;
  try {
    if (report.ephemeral && !deferredPrivately) {
      // The deferred reply is public; a private answer cannot be made of it. Remove it and answer privately.
      await interaction.deleteReply();
      for (const message of messages) await followUp(interaction, message, true);
      return;
    }
    const [first, ...rest] = messages;
    if (first) await interaction.editReply(replyOptions(first));
    for (const message of rest) await followUp(interaction, message, ephemeral);
  } catch (error) {
    await recover(interaction, report, error, deps);
  }
}

function followUp(interaction: ChatInputCommandInteraction, message: DiscordMessage, ephemeral: boolean): Promise<unknown> {
  return interaction.followUp({
    ...(message.content ? { content: message.content } : {}),
    embeds: message.embeds,
    files: attachments(message),
    allowedMentions: NO_MENTIONS,
    ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  });
}

/**
 * The report could not be sent. An expired interaction (a scan longer than 15 minutes) gets the
 * report posted to the channel instead; anything else gets a short notice with a reference, so
 * the user is not left with "thinking…" forever.
 */
async function recover(interaction: ChatInputCommandInteraction, report: Report, error: unknown, deps: InteractionDeps): Promise<void> {
  const { log } = deps;
  if (isInteractionExpired(error) && !report.ephemeral && interaction.channelId) {
    log.warn({ ...describeDiscordError(error), channel: interaction.channelId }, 'discord: interaction expired; posting the report to the channel');
    try {
      await deps.postToChannel(interaction.channelId, report);
    } catch (postError) {
      log.error({ ...describeDiscordError(postError), channel: interaction.channelId }, 'discord: could not post the report to the channel either');
    }
    return;
  }
  const reference = report.reference ?? newReference();
  log.error({ ...describeDiscordError(error), reference, title: report.title }, 'discord: could not send the report');
  const notice = messageReport('Something went wrong', `The report could not be shown in Discord. The details are in the bot's log under reference ${reference}.`, 'error', { reference });
  const [message] = renderReport(notice);
  if (!message) return;
  try {
    await interaction.editReply(replyOptions(message));
  } catch (noticeError) {
    log.error({ ...describeDiscordError(noticeError), reference }, 'discord: could not send the failure notice');
  }
}
