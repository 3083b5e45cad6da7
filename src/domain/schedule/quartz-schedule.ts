/**
 * Translates an IPS `execSchedule` (the Quartz CronExpression dialect;
 * docs/jobs/job-engine.md#recurring-jobs-execschedule) into Temporal Schedule calendar specs.
 *
 * Temporal ANDs every field of one calendar (day-of-month AND day-of-week) and ORs
 * the calendars, so Quartz's "last day" and "n-th weekday" forms become exact
 * combinations of day-of-month ranges, months and year lists instead of
 * approximations. Pure and deterministic (no clock, no Node built-ins) so workflow
 * code may use it too.
 */
import type { CalendarSpec, DayOfWeek, Month, Range } from '@temporalio/client';
import { faults } from '../faults.js';

export interface TranslatedSchedule {
  calendars: CalendarSpec[];
  /** The expression with single spaces, upper-case names and an explicit '?' where IPS leaves it empty. */
  description: string;
}

const MONTHS: readonly Month[] = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];
const DAYS_OF_WEEK: readonly DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

// Quartz accepts years 1970-2099, but a Temporal server rejects calendar years outside
// 2000-2100, so earlier years are dropped (they can no longer fire anyway). The fixed
// span also keeps the leap-year lists finite and the output independent of "now".
const MIN_YEAR = 1970;
const FIRST_SCHEDULABLE_YEAR = 2000;
const MAX_YEAR = 2099;

interface FieldSpec {
  label: string;
  position: number;
  min: number;
  max: number;
  /** Three-letter names for min, min+1, …; matched case-insensitively like Quartz (the IPS docs claim case-sensitive). */
  names?: readonly string[];
}

const SECONDS: FieldSpec = { label: 'seconds 0-59', position: 1, min: 0, max: 59 };
const MINUTES: FieldSpec = { label: 'minutes 0-59', position: 2, min: 0, max: 59 };
const HOURS: FieldSpec = { label: 'hours 0-23', position: 3, min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { label: 'day-of-month 1-31', position: 4, min: 1, max: 31 };
const MONTH: FieldSpec = {
  label: 'month 1-12 or JAN-DEC',
  position: 5,
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
};
// Quartz numbers days of the week 1 = Sunday … 7 = Saturday.
const DAY_OF_WEEK: FieldSpec = {
  label: 'day-of-week 1-7 or SUN-SAT',
  position: 6,
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};
const YEAR: FieldSpec = { label: `year ${MIN_YEAR}-${MAX_YEAR}`, position: 7, min: MIN_YEAR, max: MAX_YEAR };

type Ranges = Range<number>[];
/** '*' is kept apart so the output can say '*' rather than spell the full range. */
type Values = '*' | Ranges;

type DaysOfMonth = { kind: 'none' } | { kind: 'any' } | { kind: 'last' } | { kind: 'days'; ranges: Ranges };
type DaysOfWeek =
  { kind: 'none' } | { kind: 'any' } | { kind: 'days'; ranges: Ranges } | { kind: 'last'; day: number } | { kind: 'nth'; day: number; nth: number };

export function translateQuartz(expression: string, field = 'execSchedule'): TranslatedSchedule {
  const fail = (expected: string, received: unknown): never => {
    throw faults.invalid(field, expected, received);
  };
  const fieldCount = 'a Quartz cron expression with 6 or 7 space-separated fields (seconds minutes hours day-of-month month day-of-week [year])';
  if (typeof expression !== 'string') return fail(fieldCount, expression);

  const tokens = expression
    .trim()
    .split(/\s+/)
    .filter((token) => token !== '');
  // The documented IPS system Cleanup job is `00 00 00 * * ` — five fields and a
  // trailing space, i.e. an empty day-of-week, which can only mean "no specific value".
  if (tokens.length === 5 && /\s$/.test(expression)) tokens.push('?');
  if (tokens.length !== 6 && tokens.length !== 7) return fail(fieldCount, expression);

  const second = parseValues(tokens[0], SECONDS, fail);
  const minute = parseValues(tokens[1], MINUTES, fail);
  const hour = parseValues(tokens[2], HOURS, fail);
  let dom = parseDayOfMonth(tokens[3], fail);
  const month = parseValues(tokens[4], MONTH, fail);
  let dow = parseDayOfWeek(tokens[5], fail);
  const year = tokens.length === 7 ? schedulable(parseValues(tokens[6], YEAR, fail), tokens[6], fail) : '*';

  const specific = (kind: string) => kind !== 'none' && kind !== 'any';
  const exactlyOne = "exactly one of day-of-month and day-of-week must be '?' (fields 4 and 6)";
  if (dom.kind === 'none' && dow.kind === 'none') return fail(exactlyOne, `${tokens[3]} ${tokens[5]}`);
  if (specific(dom.kind) && specific(dow.kind)) return fail(exactlyOne, `${tokens[3]} ${tokens[5]}`);
  // The IPS docs' own example `0 15 10 * * 6#3` puts '*' where Quartz wants '?';
  // '*' beside a specific value can only mean "no restriction from this field".
  if (dom.kind === 'any' && specific(dow.kind)) dom = { kind: 'none' };
  if (dow.kind === 'any' && specific(dom.kind)) dow = { kind: 'none' };

  const comment = expression.trim();
  // Every field is set explicitly: Temporal defaults an absent second, minute or hour to 0.
  const base: CalendarSpec = {
    second,
    minute,
    hour,
    month: month === '*' ? '*' : month.map((r) => named(r, MONTHS)),
    year,
  };
  const calendar = (days: Days, override: Partial<CalendarSpec> = {}): CalendarSpec => ({
    second: base.second,
    minute: base.minute,
    hour: base.hour,
    dayOfMonth: days.dayOfMonth,
    month: override.month ?? base.month,
    year: override.year ?? base.year,
    dayOfWeek: days.dayOfWeek,
    comment,
  });

  let calendars: CalendarSpec[];
  if (dom.kind === 'days') {
    calendars = [calendar({ dayOfMonth: dom.ranges, dayOfWeek: '*' })];
  } else if (dom.kind === 'last') {
    calendars = byMonthLength(month, year, (length) => ({ dayOfMonth: [single(length)], dayOfWeek: '*' }), calendar);
  } else if (dow.kind === 'days') {
    calendars = [calendar({ dayOfMonth: '*', dayOfWeek: dow.ranges.map((r) => named(r, DAYS_OF_WEEK)) })];
  } else if (dow.kind === 'nth') {
    // The n-th such weekday always falls in days 7(n-1)+1 … 7n; a fifth one may not exist, as in Quartz.
    const first = 7 * (dow.nth - 1) + 1;
    calendars = [calendar({ dayOfMonth: [{ start: first, end: Math.min(first + 6, 31), step: 1 }], dayOfWeek: [named(single(dow.day), DAYS_OF_WEEK)] })];
  } else if (dow.kind === 'last') {
    const day = named(single(dow.day), DAYS_OF_WEEK);
    calendars = byMonthLength(month, year, (length) => ({ dayOfMonth: [{ start: length - 6, end: length, step: 1 }], dayOfWeek: [day] }), calendar);
  } else {
    calendars = [calendar({ dayOfMonth: '*', dayOfWeek: '*' })];
  }

  return { calendars, description: tokens.join(' ').toUpperCase() };
}

type Fail = (expected: string, received: unknown) => never;
type Days = Pick<CalendarSpec, 'dayOfMonth' | 'dayOfWeek'>;

function single(value: number): Range<number> {
  return { start: value, end: value, step: 1 };
}

/** Maps Quartz's 1-based month / day-of-week numbers to Temporal's names. */
function named<T>(range: Range<number>, names: readonly T[]): Range<T> {
  return { start: names[range.start - 1], end: names[range.end - 1], step: range.step };
}

/** Parses `*`, values, `a-b` ranges, `/` increments and `,` lists. */
function parseValues(token: string, field: FieldSpec, fail: Fail): Values {
  if (token === '*') return '*';
  const where = `${field.label} in field ${field.position}`;
  return token.split(',').map((item): Range<number> => {
    const parts = item.split('/');
    if (parts.length > 2) return fail(where, item);
    const [base, stepText] = parts;
    let start: number;
    let end: number;
    if (base === '*') {
      start = field.min;
      end = field.max;
    } else {
      const bounds = base.split('-');
      if (bounds.length > 2) return fail(where, item);
      start = parseValue(bounds[0], field, fail);
      // Quartz reads `a/n` as "from a to the end of the field, every n".
      end = bounds.length === 2 ? parseValue(bounds[1], field, fail) : stepText === undefined ? start : field.max;
      if (end < start) return fail(`${where} (a range must not run backwards)`, item);
    }
    let step = 1;
    if (stepText !== undefined) {
      const span = field.max - field.min + 1;
      step = /^\d{1,4}$/.test(stepText) ? Number(stepText) : NaN;
      if (!(step >= 1 && step <= span)) return fail(`${where} (an increment after '/' must be 1-${span})`, item);
    }
    return { start, end, step };
  });
}

/** Drops the years before 2000 from `year`; faults when nothing is left. */
function schedulable(year: Values, token: string, fail: Fail): Values {
  if (year === '*') return year;
  const kept = year.flatMap(({ start, end, step }): Ranges => {
    const first = start + Math.max(0, Math.ceil((FIRST_SCHEDULABLE_YEAR - start) / step)) * step;
    return first > end ? [] : [{ start: first, end, step }];
  });
  if (kept.length === 0)
    return fail(`${YEAR.label} in field ${YEAR.position} including a year from ${FIRST_SCHEDULABLE_YEAR} on (earlier years cannot fire)`, token);
  return kept;
}

function parseValue(text: string, field: FieldSpec, fail: Fail): number {
  const where = `${field.label} in field ${field.position}`;
  let value = NaN;
  if (/^\d{1,4}$/.test(text)) value = Number(text);
  else if (field.names?.includes(text.toUpperCase())) value = field.min + field.names.indexOf(text.toUpperCase());
  if (!(value >= field.min && value <= field.max)) return fail(where, text);
  return value;
}

function parseDayOfMonth(token: string, fail: Fail): DaysOfMonth {
  const upper = token.toUpperCase();
  if (upper === '?') return { kind: 'none' };
  if (upper === '*') return { kind: 'any' };
  if (upper === 'L') return { kind: 'last' };
  const where = `${DAY_OF_MONTH.label}, '*', '?' or 'L' in field ${DAY_OF_MONTH.position}`;
  if (upper.includes('W')) return fail(`${where}; 'W' (nearest weekday) is not supported`, token);
  if (upper.includes('C')) return fail(`${where}; 'C' (calendar-based days) is not supported`, token);
  if (/(^|,)L-/.test(upper)) return fail(`${where}; 'L-n' (days before the last day) is not supported`, token);
  if (upper.includes('L')) return fail(`${where}; 'L' stands alone`, token);
  const ranges = parseValues(token, DAY_OF_MONTH, fail);
  return ranges === '*' ? { kind: 'any' } : { kind: 'days', ranges };
}

function parseDayOfWeek(token: string, fail: Fail): DaysOfWeek {
  const upper = token.toUpperCase();
  if (upper === '?') return { kind: 'none' };
  if (upper === '*') return { kind: 'any' };
  // Quartz: 'L' alone is the last day of the week, Saturday.
  if (upper === 'L') return { kind: 'days', ranges: [single(7)] };
  const where = `${DAY_OF_WEEK.label}, '*', '?', 'L', 'dL' or 'd#n' in field ${DAY_OF_WEEK.position}`;
  if (upper.includes('C')) return fail(`${where}; 'C' (calendar-based days) is not supported`, token);
  if (upper.includes('#')) {
    const match = /^([A-Z0-9]+)#(\d{1,4})$/.exec(upper);
    if (!match) return fail(`${where}; 'd#n' stands alone`, token);
    const day = parseValue(match[1], DAY_OF_WEEK, fail);
    const nth = Number(match[2]);
    if (nth < 1 || nth > 5) return fail(`day-of-week 'd#n' with n 1-5 in field ${DAY_OF_WEEK.position}`, token);
    return { kind: 'nth', day, nth };
  }
  if (upper.includes('L')) {
    const match = /^([A-Z0-9]+)L$/.exec(upper);
    if (!match) return fail(`${where}; 'dL' stands alone`, token);
    return { kind: 'last', day: parseValue(match[1], DAY_OF_WEEK, fail) };
  }
  const ranges = parseValues(token, DAY_OF_WEEK, fail);
  return ranges === '*' ? { kind: 'any' } : { kind: 'days', ranges };
}

/**
 * One calendar per month length the expression allows: 31- and 30-day months keep
 * the expression's years; February splits into leap and non-leap year lists.
 */
function byMonthLength(
  month: Values,
  year: Values,
  daysFor: (monthLength: number) => Days,
  calendar: (days: Days, override: Pick<CalendarSpec, 'month' | 'year'>) => CalendarSpec,
): CalendarSpec[] {
  const months = new Set(month === '*' ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] : expand(month));
  const calendars: CalendarSpec[] = [];
  for (const length of [31, 30]) {
    const matching = [...months].filter((m) => m !== 2 && monthLength(m) === length).sort((a, b) => a - b);
    if (matching.length > 0) {
      calendars.push(calendar(daysFor(length), { month: progressions(matching).map((r) => named(r, MONTHS)) }));
    }
  }
  if (months.has(2)) {
    const years = year === '*' ? [{ start: FIRST_SCHEDULABLE_YEAR, end: MAX_YEAR, step: 1 }] : year;
    // Within 2000-2099 a year is a leap year exactly when divisible by 4 (2000 is one; 2100 is out of range).
    const leap = shortest(years, [0]);
    const common = shortest(years, [1, 2, 3]);
    const february = [named(single(2), MONTHS)];
    if (leap.length > 0) calendars.push(calendar(daysFor(29), { month: february, year: leap }));
    if (common.length > 0) calendars.push(calendar(daysFor(28), { month: february, year: common }));
  }
  return calendars;
}

function monthLength(month: number): number {
  return month === 2 ? 28 : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function expand(ranges: Ranges): number[] {
  const values: number[] = [];
  for (const { start, end, step } of ranges) for (let v = start; v <= end; v += step) values.push(v);
  return values;
}

/** Sorted distinct values as few arithmetic progressions as a greedy pass finds. */
function progressions(values: number[]): Ranges {
  const out: Ranges = [];
  let i = 0;
  while (i < values.length) {
    if (i + 1 === values.length) {
      out.push(single(values[i]));
      break;
    }
    const step = values[i + 1] - values[i];
    let j = i + 1;
    while (j + 1 < values.length && values[j + 1] - values[j] === step) j++;
    out.push({ start: values[i], end: values[j], step });
    i = j + 1;
  }
  return out;
}

/**
 * The years of `ranges` congruent to one of `residues` mod 4, as few progressions as
 * either of two encodings gives: per-residue progressions suit long spans (every
 * common year 2000-2099 is three of them), consecutive runs suit short lists.
 */
function shortest(ranges: Ranges, residues: number[]): Ranges {
  const byResidue = residues.flatMap((residue) => ranges.flatMap((r) => withResidue(r, residue)));
  const years = [...new Set(expand(ranges))].filter((y) => residues.includes(y % 4)).sort((a, b) => a - b);
  const runs = progressions(years);
  return byResidue.length < runs.length ? byResidue.sort((a, b) => a.start - b.start) : runs;
}

/** The members of `range` congruent to `residue` mod 4, as one progression (or none). */
function withResidue(range: Range<number>, residue: number): Ranges {
  for (let k = 0; k < 4; k++) {
    const first = range.start + k * range.step;
    if (first > range.end) return [];
    if (first % 4 !== residue) continue;
    const step = (range.step * 4) / gcd(range.step, 4);
    const last = first + Math.floor((range.end - first) / step) * step;
    return [first === last ? single(first) : { start: first, end: last, step }];
  }
  return [];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
