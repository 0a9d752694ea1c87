import { checkTimeZone, cronSchedule, dailySchedule, ScheduleError, weeklySchedule } from '../schedule/cron';
import { StoreError, type DigestPlatform, type DigestRecord, type DigestSchedule, type Store } from '../store/types';
import { historyOffReport, storeFailureReport, type HistoryServices } from './digest-services';
import { formatTime } from './digest-time';
import { UsageError } from './errors';
import { checkTargets } from './site-targets';
import { messageReport, type Report } from './report';
import { commandPrefix } from './usage';
import type { CommandContext, CommandSpec, ParsedInput } from './types';

/**
 * `digest daily 08:00 TARGET…`, `digest weekly mon 08:00 TARGET…`, `digest cron "EXPR" TARGET…`
 * (each with `--tz Area/City`), `digest list`, `digest off ID`, `digest now [ID]`. A digest belongs
 * to the platform and channel (or DM) it was created in and is posted there.
 */

export const MAX_DIGESTS_PER_CHANNEL = 20;
const ACTIONS = ['daily', 'weekly', 'cron', 'list', 'off', 'now'] as const;

interface Place {
  platform: DigestPlatform;
  channelId: string;
}

function placeOf(ctx: CommandContext): Place {
  const platform = ctx.surface;
  if (platform === 'terminal') return { platform, channelId: 'terminal' };
  if (platform === 'cli') throw new UsageError('Digests need a running bot: use them in Slack, Discord or at the `npm start` prompt.');
  if (!ctx.caller.channelId) throw new UsageError('This message came without a channel; a digest needs a channel or DM to post to.');
  return { platform, channelId: ctx.caller.channelId };
}

function parseId(text: string | undefined): number {
  const id = Number((text ?? '').replace(/^#/, ''));
  if (!text || !Number.isInteger(id) || id <= 0) throw new UsageError(`"${text ?? ''}" is not a digest id. ${commandPrefix('terminal')} digest list shows the ids.`);
  return id;
}

/** A cron expression typed without quotes arrives as several words: take the fields back. */
function splitCron(words: string[]): { expression: string; targets: string[] } {
  const first = words[0];
  if (first === undefined) throw new UsageError('digest cron needs an expression, e.g. digest cron "0 8 * * 1-5" 10.20.0.0/24');
  if (/\s/.test(first.trim())) return { expression: first, targets: words.slice(1) };
  // Cron fields never contain a dot; targets always do.
  const fields: string[] = [];
  while (fields.length < 6 && words[fields.length] !== undefined && !words[fields.length]?.includes('.')) fields.push(words[fields.length] ?? '');
  return { expression: fields.join(' '), targets: words.slice(fields.length) };
}

function scheduleFrom(action: string, words: string[], zone: string): { schedule: DigestSchedule; targets: string[] } {
  switch (action) {
    case 'daily': {
      const [time, ...targets] = words;
      if (!time) throw new UsageError('digest daily needs a time, e.g. digest daily 08:00 10.20.0.0/24');
      return { schedule: dailySchedule(time), targets };
    }
    case 'weekly': {
      const [day, time, ...targets] = words;
      if (!day || !time) throw new UsageError('digest weekly needs a day and a time, e.g. digest weekly mon 08:00 10.20.0.0/24');
      return { schedule: weeklySchedule(day, time), targets };
    }
    default: {
      const { expression, targets } = splitCron(words);
      return { schedule: cronSchedule(expression, zone), targets };
    }
  }
}

function describeDigest(digest: DigestRecord): string {
  return `${digest.schedule.label} (${digest.timeZone}) for ${digest.targets.join(', ')}`;
}

function create(action: string, words: string[], input: ParsedInput, ctx: CommandContext, history: HistoryServices, store: Store): Report {
  const place = placeOf(ctx);
  const tzOption = typeof input.options.tz === 'string' ? input.options.tz : undefined;
  let zone: string;
  try {
    zone = checkTimeZone(tzOption ?? history.defaultTimeZone);
  } catch (error) {
    if (error instanceof ScheduleError && !tzOption) throw new UsageError(`TZ=${history.defaultTimeZone} (the bot's default zone) is not a time zone. Give one with --tz Area/City.`);
    throw error;
  }
  const { schedule, targets } = scheduleFrom(action, words, zone);
  if (targets.length === 0) throw new UsageError(`Say what the digest scans, e.g. ${commandPrefix(ctx.surface)} digest ${schedule.label} 10.20.0.0/24`);
  // The same allowlist and size cap as a scan; refused targets never get a schedule.
  const plan = checkTargets(targets, ctx);
  if (store.listDigests({ ...place, enabledOnly: true }).length >= MAX_DIGESTS_PER_CHANNEL) {
    return messageReport('Too many digests', `This channel has ${MAX_DIGESTS_PER_CHANNEL} digests already; turn one off first (digest off ID).`, 'refused');
  }
  const digest = store.createDigest({
    ...place,
    targets: plan.targets,
    site: plan.site,
    schedule,
    timeZone: zone,
    createdBy: `${ctx.caller.platform}:${ctx.caller.userId}`,
    createdAt: ctx.services.now(),
  });
  history.digests?.add(digest);
  const next = history.digests?.nextSlotOf(digest) ?? null;
  ctx.services.log.info({ digest: digest.id, platform: place.platform, channel: place.channelId, schedule: schedule.expression, zone, targets: plan.targets }, 'digest created');
  const prefix = commandPrefix(ctx.surface);
  const text =
    `Digest #${digest.id}: ${describeDigest(digest)}, posted here.\n` +
    `Next: ${next ? formatTime(next, zone) : 'never (the schedule has no further dates)'}.\n` +
    `${prefix} digest now ${digest.id} runs it at once; ${prefix} digest off ${digest.id} turns it off.`;
  return { ...messageReport(`Digest #${digest.id} created`, text, 'ok', { ephemeral: false }), json: { digest } };
}

function list(ctx: CommandContext, history: HistoryServices, store: Store): Report {
  const place = placeOf(ctx);
  const digests = store.listDigests({ ...place, enabledOnly: true });
  const prefix = commandPrefix(ctx.surface);
  if (digests.length === 0) {
    return messageReport('No digests here', `No digest is set up in this channel. Create one: ${prefix} digest daily 08:00 10.20.0.0/24`, 'ok', { ephemeral: false });
  }
  const rows = digests.map((d) => {
    const next = history.digests?.nextSlotOf(d) ?? null;
    return [
      String(d.id),
      d.schedule.label,
      d.timeZone,
      d.targets.join(', '),
      next ? formatTime(next, d.timeZone) : '-',
      d.lastPostedAt ? formatTime(d.lastPostedAt, d.timeZone) : '-',
    ];
  });
  return {
    title: 'Digests in this channel',
    tone: 'neutral',
    summary: `${digests.length === 1 ? '1 digest' : `${digests.length} digests`} in this channel`,
    sections: [{ kind: 'table', columns: ['ID', 'Schedule', 'Zone', 'Targets', 'Next', 'Last posted'], rows }],
    attachments: [],
    outcome: 'ok',
    json: { digests },
  };
}

/** The digest with this id, if it is enabled and belongs to the asker's channel. */
function ownDigest(store: Store, id: number, place: Place): DigestRecord | undefined {
  const digest = store.digest(id);
  return digest && digest.enabled && digest.platform === place.platform && digest.channelId === place.channelId ? digest : undefined;
}

/** The digest of this channel when there is exactly one. */
function onlyDigestHere(store: Store, place: Place): DigestRecord | undefined {
  const here = store.listDigests({ ...place, enabledOnly: true });
  return here.length === 1 ? here[0] : undefined;
}

function unknownDigest(id: number, ctx: CommandContext): Report {
  return messageReport(
    'No such digest',
    `There is no digest #${id} in this channel. ${commandPrefix(ctx.surface)} digest list shows the digests here.`,
    'usage',
  );
}

function off(words: string[], ctx: CommandContext, history: HistoryServices, store: Store): Report {
  const place = placeOf(ctx);
  const id = parseId(words[0]);
  const digest = ownDigest(store, id, place);
  if (!digest || !store.disableDigest(id, `turned off by ${ctx.caller.platform}:${ctx.caller.userId}`, ctx.services.now())) return unknownDigest(id, ctx);
  history.digests?.remove(id);
  ctx.services.log.info({ digest: id, user: ctx.caller.userId }, 'digest turned off');
  return messageReport(`Digest #${id} is off`, `Digest #${id} (${describeDigest(digest)}) will not be posted again.`, 'ok', { ephemeral: false });
}

async function now(words: string[], ctx: CommandContext, history: HistoryServices, store: Store): Promise<Report> {
  const place = placeOf(ctx);
  if (!history.digests) return historyOffReport('Digests do not run in this process.');
  const digest = words[0] !== undefined ? ownDigest(store, parseId(words[0]), place) : onlyDigestHere(store, place);
  if (!digest) {
    if (words[0] !== undefined) return unknownDigest(parseId(words[0]), ctx);
    const here = store.listDigests({ ...place, enabledOnly: true });
    const which = here.length === 0 ? 'There is no digest in this channel.' : `This channel has ${here.length} digests (${here.map((d) => `#${d.id}`).join(', ')}): say which.`;
    return messageReport('Which digest?', `${which} Usage: ${commandPrefix(ctx.surface)} digest now ID`, 'usage');
  }
  return history.digests.runNow(digest, { signal: ctx.signal, progress: ctx.progress });
}

export const digestCommand: CommandSpec = {
  name: 'digest',
  summary: 'Post what changed on a network to this channel on a schedule',
  details:
    'A digest scans its targets on a schedule and posts what changed since the previous digest: new devices, devices gone, ' +
    'changed MAC, vendor or open ports, new TP-Link devices, findings opened and resolved. Nothing changed: one line. ' +
    'Forms: digest daily HH:MM TARGET… | digest weekly DAY HH:MM TARGET… | digest cron "EXPR" TARGET… ' +
    '(5 fields, or 6 with seconds first) — each with --tz Area/City (default: TZ, else UTC) | digest list | digest off ID | digest now [ID]. ' +
    'Weekly digests attach a trend chart. Targets must lie inside SCAN_ALLOW.',
  examples: [
    'digest daily 08:00 10.20.0.0/24',
    'digest weekly mon 08:00 10.20.0.0/24 --tz Europe/Amsterdam',
    'digest cron "0 8 * * 1-5" 10.20.0.0/24',
    'digest list',
    'digest off 3',
    'digest now 3',
  ],
  args: [
    { name: 'action', description: `${ACTIONS.join(', ')}` },
    { name: 'args', description: 'the schedule and the targets, or a digest id', variadic: true },
  ],
  options: [{ key: 'tz', flags: '--tz <zone>', description: 'time zone of the schedule, e.g. Europe/Amsterdam (default: TZ, else UTC)' }],
  access: 'scan',
  surfaces: ['terminal', 'slack', 'discord'],
  async run(input, ctx) {
    const history = ctx.services.history;
    if (!history?.store) return historyOffReport(history?.problem ?? null);
    const store = history.store;
    const action = ((input.args.action as string | undefined) ?? 'list').toLowerCase();
    const words = (input.args.args as string[] | undefined) ?? [];
    try {
      switch (action) {
        case 'daily':
        case 'weekly':
        case 'cron':
          return create(action, words, input, ctx, history, store);
        case 'list':
          return list(ctx, history, store);
        case 'off':
          return off(words, ctx, history, store);
        case 'now':
          return await now(words, ctx, history, store);
        default:
          throw new UsageError(`"${action}" is not a digest action. Use one of: ${ACTIONS.join(', ')}.`);
      }
    } catch (error) {
      if (error instanceof ScheduleError) throw new UsageError(error.message);
      if (error instanceof StoreError) {
        ctx.services.log.error({ err: error }, 'history store failed');
        return storeFailureReport(error);
      }
      throw error;
    }
  },
};
