import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Dispatcher } from '../../commands/dispatch';
import type { Report } from '../../commands/report';
import type { Logger } from '../../log';
import type { ChatAdapter } from '../types';
import { renderText } from './render';

/**
 * The bot on a terminal, for when no chat platform is configured: a prompt on a TTY, or one command
 * per line from a pipe (exits at end of input). Same dispatcher, same reports as chat.
 */

export interface TerminalIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  errors: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface TerminalAdapter {
  /** resolves when input ends or the user types exit */
  finished: Promise<void>;
  /** prints a report that was not asked for on this terminal (digests) */
  post(report: Report): void;
  stop(): void;
}

export interface TerminalOptions {
  /** where images a report shows (charts) are written; the text names the file */
  attachmentsDir?: string;
}

const PROMPT = 'router-audit> ';

/**
 * A terminal cannot show a picture: the images a report shows are written to files and the
 * report names the file instead. Returns the report with those paths.
 */
export function writeImages(report: Report, dir: string | undefined, log: Logger): Report {
  if (!dir || !report.sections.some((s) => s.kind === 'image')) return report;
  const sections = report.sections.map((section) => {
    if (section.kind !== 'image') return section;
    const attachment = report.attachments.find((a) => a.filename === section.attachment);
    if (!attachment) return section;
    const file = path.join(dir, path.basename(attachment.filename));
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, attachment.data);
      return { ...section, attachment: file };
    } catch (error) {
      log.warn({ err: error, file }, 'could not write the image of a report');
      return section;
    }
  });
  return { ...report, sections };
}

export function startTerminal(dispatcher: Dispatcher, io: TerminalIo, log: Logger, options: TerminalOptions = {}): TerminalAdapter {
  const interactive = Boolean(io.input.isTTY);
  const rl = readline.createInterface({ input: io.input, output: interactive ? io.output : undefined, terminal: interactive, prompt: PROMPT });
  const style = () => ({ color: Boolean(io.output.isTTY) && !process.env.NO_COLOR, width: Math.min(io.output.columns ?? 100, 120) });
  const controller = new AbortController();
  const user = os.userInfo().username;

  const print = (report: Report): void => {
    io.output.write(renderText(writeImages(report, options.attachmentsDir, log), style()));
  };

  const progress = (text: string): void => {
    if (io.errors.isTTY) io.errors.write(`\r\x1b[2K${text}`);
  };
  const clearProgress = (): void => {
    if (io.errors.isTTY) io.errors.write('\r\x1b[2K');
  };

  async function loop(): Promise<void> {
    if (interactive) {
      io.output.write('router-audit on the terminal. Type "help" for the commands, "exit" to leave.\n');
      rl.prompt();
    }
    // for-await reads one line at a time: a long scan holds the next command back, in order.
    for await (const line of rl) {
      const text = line.trim();
      if (text === 'exit' || text === 'quit') break;
      if (text !== '' && !text.startsWith('#')) {
        try {
          const report = await dispatcher.dispatch({
            surface: 'terminal',
            caller: { platform: 'terminal', userId: user },
            input: text,
            progress,
            signal: controller.signal,
          });
          clearProgress();
          print(report);
        } catch (error) {
          // The dispatcher turns command failures into reports; this is a last line of defence.
          clearProgress();
          log.error({ err: error }, 'terminal command failed');
          io.output.write('Something went wrong; see the log.\n');
        }
      }
      if (interactive) rl.prompt();
    }
    rl.close();
  }

  const finished = loop();
  return {
    finished,
    post(report) {
      if (interactive) io.output.write('\n');
      print(report);
      if (interactive) rl.prompt(true);
    },
    stop() {
      controller.abort();
      rl.close();
    },
  };
}

/** The terminal as a ChatAdapter, so digests created at the prompt are posted to it. */
export function terminalChatAdapter(terminal: TerminalAdapter): ChatAdapter {
  return {
    platform: 'terminal',
    start: async () => undefined,
    stop: async () => terminal.stop(),
    post: async (_channelId, report) => terminal.post(report),
  };
}
