import type { CalendarSpec } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { FaultCode } from '../../src/domain/faults.js';
import { translateQuartz } from '../../src/domain/schedule/quartz-schedule.js';
import { faultOf } from '../support/faults.js';

const MONTH_NAMES = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];
const DAY_NAMES = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

interface Day {
  year: number;
  month: number; // 1-12
  day: number;
  weekday: number; // 0 = Sunday
  daysInMonth: number;
}
interface Time {
  hour: number;
  minute: number;
  second: number;
}

/** Temporal's rule: a calendar matches when every field matches; a schedule fires when any calendar does. */
function matches(calendars: CalendarSpec[], day: Day, time: Time): boolean {
  return calendars.some(
    (c) =>
      fieldMatches(c.second, time.second, 0) &&
      fieldMatches(c.minute, time.minute, 0) &&
      fieldMatches(c.hour, time.hour, 0) &&
      fieldMatches(c.dayOfMonth, day.day, '*') &&
      fieldMatches(c.month, day.month, '*', (name) => MONTH_NAMES.indexOf(name) + 1) &&
      fieldMatches(c.year, day.year, '*') &&
      fieldMatches(c.dayOfWeek, day.weekday, '*', (name) => DAY_NAMES.indexOf(name)),
  );
}

function fieldMatches(spec: unknown, value: number, fallback: '*' | number, byName?: (name: string) => number): boolean {
  if (spec === undefined) return fallback === '*' || value === fallback;
  if (spec === '*') return true;
  const toNumber = (v: unknown): number => {
    if (typeof v === 'number') return v;
    const n = byName?.(String(v)) ?? -1;
    if (n < 0) throw new Error(`unknown calendar value ${String(v)}`);
    return n;
  };
  return (Array.isArray(spec) ? spec : [spec]).some((item: any) => {
    if (typeof item !== 'object') return toNumber(item) === value;
    const start = toNumber(item.start);
    const end = item.end === undefined ? start : toNumber(item.end);
    const step = item.step || 1;
    return value >= start && value <= end && (value - start) % step === 0;
  });
}

const YEARS = [2023, 2024, 2025, 2026, 2027, 2028, 2096, 2097, 2098, 2099];
const DAYS: Day[] = YEARS.flatMap((year) => {
  const days: Day[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) {
    const d = new Date(t);
    const month = d.getUTCMonth() + 1;
    days.push({ year, month, day: d.getUTCDate(), weekday: d.getUTCDay(), daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate() });
  }
  return days;
});
const SECONDS_OF_DAY: Time[] = Array.from({ length: 86_400 }, (_, s) => ({ hour: Math.floor(s / 3600), minute: Math.floor(s / 60) % 60, second: s % 60 }));

const at =
  (hour: number, minute: number, second = 0) =>
  (t: Time) =>
    t.hour === hour && t.minute === minute && t.second === second;
const everyDay = () => true;
const FRIDAY = 5;

interface Case {
  expression: string;
  day: (d: Day) => boolean;
  time: (t: Time) => boolean;
}
const cases: Case[] = [
  { expression: '0 0 12 * * ?', day: everyDay, time: at(12, 0) },
  { expression: '0 15 10 ? * *', day: everyDay, time: at(10, 15) },
  { expression: '0 0/5 14 * * ?', day: everyDay, time: (t) => t.hour === 14 && t.minute % 5 === 0 && t.second === 0 },
  { expression: '0 15 10 L * ?', day: (d) => d.day === d.daysInMonth, time: at(10, 15) },
  { expression: '0 15 10 ? * 6L', day: (d) => d.weekday === FRIDAY && d.day + 7 > d.daysInMonth, time: at(10, 15) },
  { expression: '0 15 10 ? * 6#3', day: (d) => d.weekday === FRIDAY && d.day > 14 && d.day <= 21, time: at(10, 15) },
  { expression: '0 15 10 * * 6#3', day: (d) => d.weekday === FRIDAY && d.day > 14 && d.day <= 21, time: at(10, 15) },
  { expression: '0 0 8 ? * MON-FRI', day: (d) => d.weekday >= 1 && d.weekday <= 5, time: at(8, 0) },
  { expression: '0 0 0 1 JAN,jul ?', day: (d) => d.day === 1 && (d.month === 1 || d.month === 7), time: at(0, 0) },
  {
    expression: '0 30 9 ? * 2,4,6 2026-2027',
    day: (d) => [1, 3, 5].includes(d.weekday) && (d.year === 2026 || d.year === 2027),
    time: at(9, 30),
  },
  { expression: '00 00 00 * * ', day: everyDay, time: at(0, 0) },
  { expression: '*/10 * * * * ?', day: everyDay, time: (t) => t.second % 10 === 0 },
  // Beyond the documented examples: names in dL / d#n, L with restricted months and stepped years.
  { expression: '0 0 12 L 2,4 ? 2024/3', day: (d) => d.day === d.daysInMonth && [2, 4].includes(d.month) && (d.year - 2024) % 3 === 0, time: at(12, 0) },
  { expression: '0 0 6 ? FEB-APR sunL', day: (d) => d.weekday === 0 && d.day + 7 > d.daysInMonth && d.month >= 2 && d.month <= 4, time: at(6, 0) },
  { expression: '0 0 6 ? * SUN#5', day: (d) => d.weekday === 0 && d.day > 28, time: at(6, 0) },
  { expression: '0 0 12 ? * L', day: (d) => d.weekday === 6, time: at(12, 0) },
  {
    expression: '5 10-40/10 1,13 */10 1/5 ?',
    day: (d) => (d.day - 1) % 10 === 0 && (d.month - 1) % 5 === 0,
    time: (t) => t.second === 5 && [10, 20, 30, 40].includes(t.minute) && (t.hour === 1 || t.hour === 13),
  },
];

describe('translateQuartz semantics (brute force against an independent reference)', () => {
  it.each(cases)('$expression', ({ expression, day, time }) => {
    const { calendars } = translateQuartz(expression);
    const fires = SECONDS_OF_DAY.find(time);
    const idle = SECONDS_OF_DAY.find((t) => !time(t));
    if (!fires) throw new Error('reference never fires');

    const wrong: string[] = [];
    for (const d of DAYS) {
      const label = `${d.year}-${d.month}-${d.day}`;
      if (matches(calendars, d, fires) !== day(d)) wrong.push(`${label} at ${fires.hour}:${fires.minute}:${fires.second}`);
      if (idle && matches(calendars, d, idle)) wrong.push(`${label} at ${idle.hour}:${idle.minute}:${idle.second}`);
    }
    // Every second of one firing and one non-firing day checks the time fields.
    for (const d of [DAYS.find(day), DAYS.find((x) => !day(x))]) {
      if (!d) continue;
      for (const t of SECONDS_OF_DAY) {
        if (matches(calendars, d, t) !== (day(d) && time(t))) wrong.push(`${d.year}-${d.month}-${d.day} ${t.hour}:${t.minute}:${t.second}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('fires on the true last day of February and of 30-day months', () => {
    const { calendars } = translateQuartz('0 15 10 L * ?');
    const fires = (year: number, month: number, day: number) => {
      const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
      return matches(calendars, { year, month, day, weekday, daysInMonth: 0 }, { hour: 10, minute: 15, second: 0 });
    };
    expect([fires(2024, 2, 28), fires(2024, 2, 29)]).toEqual([false, true]);
    expect([fires(2025, 2, 28), fires(2000, 2, 29), fires(2100, 2, 28)]).toEqual([true, true, false]);
    expect([fires(2025, 4, 30), fires(2025, 4, 29), fires(2025, 1, 31), fires(2025, 1, 30)]).toEqual([true, false, true, false]);
  });
});

describe('translateQuartz output', () => {
  const time = (hour: number, minute: number) => ({
    second: [{ start: 0, end: 0, step: 1 }],
    minute: [{ start: minute, end: minute, step: 1 }],
    hour: [{ start: hour, end: hour, step: 1 }],
  });

  it('produces one fully specified calendar for a plain daily time', () => {
    expect(translateQuartz('0 0 12 * * ?')).toEqual({
      calendars: [{ ...time(12, 0), dayOfMonth: '*', month: '*', year: '*', dayOfWeek: '*', comment: '0 0 12 * * ?' }],
      description: '0 0 12 * * ?',
    });
  });

  it('maps increments, names and Quartz day numbers to Temporal ranges', () => {
    expect(translateQuartz('0 0/5 14 * * ?').calendars[0].minute).toEqual([{ start: 0, end: 59, step: 5 }]);
    expect(translateQuartz('*/10 * * * * ?').calendars[0]).toMatchObject({ second: [{ start: 0, end: 59, step: 10 }], minute: '*', hour: '*' });
    expect(translateQuartz('0 0 8 ? * MON-FRI').calendars).toEqual([
      { ...time(8, 0), dayOfMonth: '*', month: '*', year: '*', dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }], comment: '0 0 8 ? * MON-FRI' },
    ]);
    expect(translateQuartz('0 30 9 ? * 2,4,6 2026-2027').calendars[0]).toMatchObject({
      dayOfWeek: [
        { start: 'MONDAY', end: 'MONDAY', step: 1 },
        { start: 'WEDNESDAY', end: 'WEDNESDAY', step: 1 },
        { start: 'FRIDAY', end: 'FRIDAY', step: 1 },
      ],
      year: [{ start: 2026, end: 2027, step: 1 }],
    });
    const { calendars, description } = translateQuartz('0 0 0 1 JAN,jul ?');
    expect(description).toBe('0 0 0 1 JAN,JUL ?');
    expect(calendars[0]).toMatchObject({
      dayOfMonth: [{ start: 1, end: 1, step: 1 }],
      month: [
        { start: 'JANUARY', end: 'JANUARY', step: 1 },
        { start: 'JULY', end: 'JULY', step: 1 },
      ],
      dayOfWeek: '*',
    });
  });

  it('turns the n-th weekday into that weekday within its week of the month', () => {
    for (const expression of ['0 15 10 ? * 6#3', '0 15 10 * * 6#3']) {
      expect(translateQuartz(expression).calendars).toEqual([
        {
          ...time(10, 15),
          dayOfMonth: [{ start: 15, end: 21, step: 1 }],
          month: '*',
          year: '*',
          dayOfWeek: [{ start: 'FRIDAY', end: 'FRIDAY', step: 1 }],
          comment: expression,
        },
      ]);
    }
    expect(translateQuartz('0 0 6 ? * 1#5').calendars[0].dayOfMonth).toEqual([{ start: 29, end: 31, step: 1 }]);
  });

  it('splits the last day of the month by month length and leap year', () => {
    const { calendars } = translateQuartz('0 15 10 L * ?');
    const common = { ...time(10, 15), dayOfWeek: '*', comment: '0 15 10 L * ?' };
    expect(calendars).toEqual([
      {
        ...common,
        dayOfMonth: [{ start: 31, end: 31, step: 1 }],
        month: [
          { start: 'JANUARY', end: 'JULY', step: 2 },
          { start: 'AUGUST', end: 'DECEMBER', step: 2 },
        ],
        year: '*',
      },
      {
        ...common,
        dayOfMonth: [{ start: 30, end: 30, step: 1 }],
        month: [
          { start: 'APRIL', end: 'JUNE', step: 2 },
          { start: 'SEPTEMBER', end: 'NOVEMBER', step: 2 },
        ],
        year: '*',
      },
      {
        ...common,
        dayOfMonth: [{ start: 29, end: 29, step: 1 }],
        month: [{ start: 'FEBRUARY', end: 'FEBRUARY', step: 1 }],
        year: [{ start: 2000, end: 2096, step: 4 }],
      },
      {
        ...common,
        dayOfMonth: [{ start: 28, end: 28, step: 1 }],
        month: [{ start: 'FEBRUARY', end: 'FEBRUARY', step: 1 }],
        year: [
          { start: 2001, end: 2097, step: 4 },
          { start: 2002, end: 2098, step: 4 },
          { start: 2003, end: 2099, step: 4 },
        ],
      },
    ]);
  });

  it('emits only the month lengths and year classes the expression allows', () => {
    expect(translateQuartz('0 0 12 L FEB ? 2025-2027').calendars).toEqual([
      expect.objectContaining({
        month: [{ start: 'FEBRUARY', end: 'FEBRUARY', step: 1 }],
        dayOfMonth: [{ start: 28, end: 28, step: 1 }],
        year: [{ start: 2025, end: 2027, step: 1 }],
      }),
    ]);
    expect(translateQuartz('0 0 12 ? 4 6L').calendars).toEqual([
      expect.objectContaining({ month: [{ start: 'APRIL', end: 'APRIL', step: 1 }], dayOfMonth: [{ start: 24, end: 30, step: 1 }] }),
    ]);
  });

  it('keeps only the years from 2000 on, the earliest a Temporal server accepts', () => {
    expect(translateQuartz('0 0 12 * * ? 1990-2001').calendars[0].year).toEqual([{ start: 2000, end: 2001, step: 1 }]);
    expect(translateQuartz('0 0 12 * * ? 1970/7,2050').calendars[0].year).toEqual([
      { start: 2005, end: 2099, step: 7 },
      { start: 2050, end: 2050, step: 1 },
    ]);
    expect(translateQuartz('0 0 12 L 2 ? 1996-2004').calendars.map((c) => c.year)).toEqual([
      [{ start: 2000, end: 2004, step: 4 }],
      [{ start: 2001, end: 2003, step: 1 }],
    ]);
  });

  it('reads the documented 5-field system job with its trailing space as day-of-week "?"', () => {
    const { calendars, description } = translateQuartz('00 00 00 * * ');
    expect(description).toBe('00 00 00 * * ?');
    expect(calendars).toEqual([{ ...time(0, 0), dayOfMonth: '*', month: '*', year: '*', dayOfWeek: '*', comment: '00 00 00 * *' }]);
    expect(translateQuartz('  0   0  12 * *   ?  ').description).toBe('0 0 12 * * ?');
  });
});

describe('translateQuartz faults', () => {
  it.each([
    ['0 0 12 * *', '6 or 7 space-separated fields'],
    ['0 0 12 * * ? 2026 x', '6 or 7 space-separated fields'],
    ['', '6 or 7 space-separated fields'],
    ['0 0 12 15 * MON', "exactly one of day-of-month and day-of-week must be '?'"],
    ['0 0 12 ? * ?', "exactly one of day-of-month and day-of-week must be '?'"],
    ['0 75 * * * ?', "expected minutes 0-59 in field 2, received '75'"],
    ['0 0 12 LW * ?', "'W' (nearest weekday) is not supported"],
    ['0 0 12 15W * ?', "'W' (nearest weekday) is not supported"],
    ['0 0 12 L-3 * ?', "'L-n' (days before the last day) is not supported"],
    ['0 0 12 5C * ?', "'C' (calendar-based days) is not supported"],
    ['0 0 12 ? * 1C', "'C' (calendar-based days) is not supported"],
    ['0 0 12 ? * 6#6', "day-of-week 'd#n' with n 1-5 in field 6, received '6#6'"],
    ['0 0 12 ? * 8', "expected day-of-week 1-7 or SUN-SAT in field 6, received '8'"],
    ['0 0 12 * * ? 1969', "expected year 1970-2099 in field 7, received '1969'"],
    ['0 0 12 * * ? 1970-1999', "including a year from 2000 on (earlier years cannot fire), received '1970-1999'"],
    ['0 0 12 * FOO ?', "expected month 1-12 or JAN-DEC in field 5, received 'FOO'"],
    ['0 30-10 * * * ?', "in field 2 (a range must not run backwards), received '30-10'"],
    ['0 0/0 * * * ?', "in field 2 (an increment after '/' must be 1-60), received '0/0'"],
    ['x 0 12 * * ?', "expected seconds 0-59 in field 1, received 'x'"],
    ['0 0 24 * * ?', "expected hours 0-23 in field 3, received '24'"],
    ['0 0 12 1,,2 * ?', 'day-of-month 1-31 in field 4'],
  ])('%j', (expression, fragment) => {
    const fault = faultOf(() => translateQuartz(expression));
    expect(fault.code).toBe(FaultCode.InvalidParameter);
    expect(fault.field).toBe('execSchedule');
    expect(fault.reason).toMatch(/^execSchedule: expected /);
    expect(fault.reason).toContain(fragment);
  });

  it('names the caller-supplied field', () => {
    const fault = faultOf(() => translateQuartz('0 0 12 ? * ?', 'jobSchedule'));
    expect(fault.code).toBe(FaultCode.InvalidParameter);
    expect(fault.field).toBe('jobSchedule');
    expect(fault.reason).toMatch(/^jobSchedule: expected /);
  });
});
