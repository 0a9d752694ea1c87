import type { Report } from '../commands/report';

/**
 * What main.ts and the digest scheduler need from a front end. Each platform implements it in
 * src/bot/<platform>/adapter.ts; nothing here knows about scanning.
 */
export interface ChatAdapter {
  readonly platform: 'slack' | 'discord' | 'terminal';
  start(): Promise<void>;
  /** stop taking commands, let running ones finish or cancel them, close sockets */
  stop(): Promise<void>;
  /**
   * Posts a report nobody asked for just now (a scheduled digest) to a channel or DM id of this
   * platform. Rejects with ChannelGoneError when the channel no longer exists or the bot was removed.
   */
  post(channelId: string, report: Report): Promise<void>;
}

export class ChannelGoneError extends Error {
  override name = 'ChannelGoneError';
}
