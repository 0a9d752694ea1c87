import { randomBytes } from 'node:crypto';
import { TargetError } from '../scanner/targets';
import { AccessDeniedError, UsageError } from './errors';
import { helpForCommand, overview } from './help';
import { parseText, parseTokens, type ParseResult } from './parse';
import { DEFAULT_COMMAND, commands as defaultCommands } from './registry';
import { messageReport, type Report } from './report';
import { RateLimitError } from './scan-coordinator';
import { usageOf } from './usage';
import type { Caller, CommandContext, CommandSpec, IncomingFile, Services, Surface } from './types';

/**
 * The one entry point every front end calls: parse, check access, run, and turn every failure
 * into a report. Nothing thrown inside a command reaches a platform adapter.
 */

export interface DispatchRequest {
  surface: Surface;
  caller: Caller;
  /** the text after "/router-audit", or argv tokens from the CLI */
  input: string | readonly string[];
  progress?: (text: string) => void;
  signal?: AbortSignal;
  files?: IncomingFile[];
  /** the platform's access policy: a refusal reason, or null to allow */
  authorize?: (spec: CommandSpec, caller: Caller) => string | null;
}

/** A short id a user can quote to the operator; the log line carries the same id. */
export function newReference(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}

export class Dispatcher {
  constructor(
    readonly services: Services,
    readonly commands: readonly CommandSpec[] = defaultCommands,
  ) {}

  parse(input: string | readonly string[], surface: Surface): ParseResult {
    return typeof input === 'string'
      ? parseText(input, this.commands, surface, DEFAULT_COMMAND)
      : parseTokens(input, this.commands, surface, DEFAULT_COMMAND);
  }

  async dispatch(request: DispatchRequest): Promise<Report> {
    const { log } = this.services;
    const parsed = this.parse(request.input, request.surface);
    if (parsed.kind === 'help') {
      const visible = this.commands;
      return parsed.spec ? helpForCommand(parsed.spec, request.surface) : overview(visible, request.surface);
    }
    if (parsed.kind === 'usage') {
      log.info({ surface: request.surface, user: request.caller.userId, problem: parsed.message.split('\n')[0] }, 'usage error');
      return messageReport('That did not work', parsed.message, 'usage');
    }
    const { spec, input } = parsed;
    const refusal = spec.access === 'open' ? null : (request.authorize?.(spec, request.caller) ?? null);
    if (refusal) {
      log.warn({ surface: request.surface, user: request.caller.userId, channel: request.caller.channelId, command: spec.name }, 'access denied');
      return messageReport('Not allowed', refusal, 'denied');
    }

    const ctx: CommandContext = {
      surface: request.surface,
      caller: request.caller,
      services: this.services,
      progress: request.progress ?? (() => undefined),
      signal: request.signal ?? new AbortController().signal,
      ...(request.files ? { files: request.files } : {}),
    };
    log.info({ surface: request.surface, user: request.caller.userId, channel: request.caller.channelId, command: spec.name }, 'command');
    try {
      return await spec.run(input, ctx);
    } catch (error) {
      return this.failureReport(error, spec, request);
    }
  }

  private failureReport(error: unknown, spec: CommandSpec, request: DispatchRequest): Report {
    const { log } = this.services;
    if (error instanceof TargetError) {
      log.warn({ user: request.caller.userId, target: error.target, kind: error.kind }, 'target refused');
      const outcome = error.kind === 'refused' || error.kind === 'too-large' ? 'refused' : 'usage';
      const usage = outcome === 'usage' ? `\nUsage: ${usageOf(spec, request.surface)}` : '';
      return messageReport(outcome === 'refused' ? 'Target refused' : 'That did not work', `${error.message}${usage}`, outcome);
    }
    if (error instanceof RateLimitError) {
      return messageReport('Slow down', error.message, 'refused');
    }
    if (error instanceof AccessDeniedError) {
      log.warn({ user: request.caller.userId, command: spec.name }, 'access denied');
      return messageReport('Not allowed', error.message, 'denied');
    }
    if (error instanceof UsageError) {
      log.info({ user: request.caller.userId, command: spec.name, problem: error.message }, 'usage error');
      return messageReport('That did not work', `${error.message}\nUsage: ${usageOf(spec, request.surface)}`, 'usage');
    }
    const reference = newReference();
    log.error({ err: error, reference, command: spec.name, user: request.caller.userId }, 'command failed');
    return messageReport(
      'Something went wrong',
      `The ${spec.name} command failed. The details are in the bot's log under reference ${reference}.`,
      'error',
      { reference },
    );
  }
}
