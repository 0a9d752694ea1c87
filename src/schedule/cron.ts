import { Cron } from 'croner';
import type { DigestSchedule } from '../store/types';

/**
 * Digest schedules as cron patterns, evaluated by croner in the digest's time zone (croner keeps
 * local times across DST: a daily 08:00 stays 08:00 local; a time that does not exist on the
 * spring-forward day runs at the first minute after the gap; one that occurs twice runs once).
 */

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** An IANA zone name (Europe/Amsterdam) or UTC; throws ScheduleError otherwise. */
export function checkTimeZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new ScheduleError(`"${zone}" is not a time zone. Use an IANA name such as Europe/Amsterdam, America/New_York or UTC.`);
  }
}

function parseTime(text: string): { hour: number; minute: number } {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  const hour = Number(match?.[1]);
  const minute = Number(match?.[2]);
  if (!match || hour > 23 || minute > 59) throw new ScheduleError(`"${text}" is not a time of day. Write it as HH:MM, 24-hour, e.g. 08:00 or 17:30.`);
  return { hour, minute };
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function dailySchedule(time: string): DigestSchedule {
  const { hour, minute } = parseTime(time);
  return { kind: 'daily', expression: `${minute} ${hour} * * *`, label: `daily ${pad(hour)}:${pad(minute)}` };
}

export function weeklySchedule(dayText: string, time: string): DigestSchedule {
  const name = dayText.toLowerCase();
  const day = name.length >= 3 ? DAY_NAMES.findIndex((full) => full.startsWith(name)) : -1;
  if (day < 0) throw new ScheduleError(`"${dayText}" is not a day of the week. Use mon, tue, wed, thu, fri, sat or sun.`);
  const { hour, minute } = parseTime(time);
  const short = Object.keys(DAYS).find((key) => DAYS[key] === day) ?? 'mon';
  return { kind: 'weekly', expression: `${minute} ${hour} * * ${day}`, label: `weekly ${short} ${pad(hour)}:${pad(minute)}` };
}

function cronOf(expression: string, timeZone: string): Cron {
  return new Cron(expression, { timezone: timeZone, mode: '5-or-6-parts' });
}

/** A cron pattern: 5 fields, or 6 with seconds first. Throws ScheduleError for a bad or dead one. */
export function cronSchedule(expression: string, timeZone = 'UTC'): DigestSchedule {
  const text = expression.trim().replace(/\s+/g, ' ');
  const fields = text === '' ? 0 : text.split(' ').length;
  if (fields !== 5 && fields !== 6) {
    throw new ScheduleError(
      `"${expression}" has ${fields} field${fields === 1 ? '' : 's'}; a cron expression has 5 ("minute hour day month weekday", ` +
        'e.g. "0 8 * * 1-5") or 6 with seconds first. Put it in quotes.',
    );
  }
  let cron: Cron;
  try {
    cron = cronOf(text, timeZone);
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, '').replace(/\.$/, '');
    throw new ScheduleError(
      `"${expression}" is not a cron expression (${detail}). Use 5 fields "minute hour day month weekday", e.g. "0 8 * * 1-5", ` +
        'or 6 with seconds first.',
    );
  }
  if (cron.nextRun() === null) throw new ScheduleError(`"${expression}" never runs (no date matches it).`);
  return { kind: 'cron', expression: text, label: `cron ${text}` };
}

/** The first slot strictly after `after`, or null when the pattern has no more. */
export function nextSlot(schedule: DigestSchedule, timeZone: string, after: Date): Date | null {
  return cronOf(schedule.expression, timeZone).nextRun(after);
}

/** The latest slot at or before `at`, or null. */
export function latestSlot(schedule: DigestSchedule, timeZone: string, at: Date): Date | null {
  // croner's previousRuns excludes the reference itself; one millisecond later includes it.
  return cronOf(schedule.expression, timeZone).previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}
