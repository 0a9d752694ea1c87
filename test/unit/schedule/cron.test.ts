import { checkTimeZone, cronSchedule, dailySchedule, latestSlot, nextSlot, ScheduleError, weeklySchedule } from '../../../src/schedule/cron';

describe('digest schedules', () => {
  it('turns daily and weekly forms into cron patterns with a readable label', () => {
    expect(dailySchedule('08:00')).toEqual({ kind: 'daily', expression: '0 8 * * *', label: 'daily 08:00' });
    expect(dailySchedule('7:05')).toEqual({ kind: 'daily', expression: '5 7 * * *', label: 'daily 07:05' });
    expect(weeklySchedule('mon', '08:00')).toEqual({ kind: 'weekly', expression: '0 8 * * 1', label: 'weekly mon 08:00' });
    expect(weeklySchedule('Sunday', '23:59')).toEqual({ kind: 'weekly', expression: '59 23 * * 0', label: 'weekly sun 23:59' });
  });

  it('accepts cron with 5 fields or 6 with seconds, normalising spaces', () => {
    expect(cronSchedule(' 0  8 * * 1-5 ')).toEqual({ kind: 'cron', expression: '0 8 * * 1-5', label: 'cron 0 8 * * 1-5' });
    expect(cronSchedule('*/2 * * * * *').expression).toBe('*/2 * * * * *');
  });

  it.each([
    ['25:00', /"25:00" is not a time of day/],
    ['8', /"8" is not a time of day/],
    ['08:60', /"08:60" is not a time of day/],
  ])('refuses the time %s with a message', (time, message) => {
    expect(() => dailySchedule(time)).toThrow(message);
  });

  it('refuses an unknown weekday', () => {
    expect(() => weeklySchedule('someday', '08:00')).toThrow(/"someday" is not a day of the week. Use mon, tue/);
    expect(() => weeklySchedule('m', '08:00')).toThrow(ScheduleError);
  });

  it.each([
    ['bad', /"bad" has 1 field; a cron expression has 5/],
    ['1 2 3 4 5 6 7', /has 7 fields/],
    ['61 * * * *', /"61 \* \* \* \*" is not a cron expression \(Invalid value for minute: 61\)/],
    ['0 8 * * funday', /is not a cron expression/],
    ['0 0 31 2 *', /"0 0 31 2 \*" never runs/],
  ])('refuses the cron expression %s with a message', (expression, message) => {
    expect(() => cronSchedule(expression)).toThrow(message);
  });

  it('checks time zones by their IANA names', () => {
    expect(checkTimeZone('Europe/Amsterdam')).toBe('Europe/Amsterdam');
    expect(checkTimeZone('UTC')).toBe('UTC');
    expect(() => checkTimeZone('Mars/Olympus_Mons')).toThrow('"Mars/Olympus_Mons" is not a time zone. Use an IANA name such as Europe/Amsterdam');
    expect(() => checkTimeZone('')).toThrow(ScheduleError);
  });

  it('finds the next slot strictly after a time, and the latest at or before it', () => {
    const daily = dailySchedule('08:00');
    expect(nextSlot(daily, 'Europe/Amsterdam', new Date('2025-01-10T07:00:00Z'))?.toISOString()).toBe('2025-01-11T07:00:00.000Z');
    expect(nextSlot(daily, 'Europe/Amsterdam', new Date('2025-01-10T06:59:59Z'))?.toISOString()).toBe('2025-01-10T07:00:00.000Z');
    expect(latestSlot(daily, 'Europe/Amsterdam', new Date('2025-01-10T07:00:00Z'))?.toISOString()).toBe('2025-01-10T07:00:00.000Z');
    expect(latestSlot(daily, 'Europe/Amsterdam', new Date('2025-01-10T06:59:59.999Z'))?.toISOString()).toBe('2025-01-09T07:00:00.000Z');
    expect(latestSlot(daily, 'UTC', new Date('2025-07-10T09:00:00Z'))?.toISOString()).toBe('2025-07-10T08:00:00.000Z');
  });
});
