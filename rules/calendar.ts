import type { CalendarDate, CalendarPeriod } from './types';

/**
 * Calendar arithmetic on `YYYY-MM-DD` dates, and their instants in an IANA zone.
 * Pure integer arithmetic (no Date clock, no ms durations for days or years), so it is safe in
 * Temporal's workflow sandbox and immune to DST.
 */

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function partsOf(s: string): DateParts | null {
  const match = DATE_PATTERN.exec(s);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

function requireParts(d: CalendarDate): DateParts {
  const parts = partsOf(d);
  if (!parts)
    throw new RangeError(`Invalid calendar date ${JSON.stringify(d)}: expected a real date as YYYY-MM-DD.`);
  return parts;
}

function format({ year, month, day }: DateParts): CalendarDate {
  if (year < 0 || year > 9999)
    throw new RangeError(`Date out of range: year ${year} is not between 0000 and 9999.`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
function toEpochDay({ year, month, day }: DateParts): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function fromEpochDay(epochDay: number): DateParts {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function requireInteger(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer, got ${n}.`);
  return n;
}

function addMonthsClamped(parts: DateParts, months: number): DateParts {
  const index = parts.year * 12 + (parts.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return { year, month, day: Math.min(parts.day, daysInMonth(year, month)) };
}

export function isCalendarDate(s: string): boolean {
  return typeof s === 'string' && partsOf(s) !== null;
}

export function parseCalendarDate(s: string): CalendarDate {
  requireParts(s);
  return s;
}

/** Years, then months (both clamped to the month's last day: 29 Feb + 1 year = 28 Feb), then days. */
export function addPeriod(d: CalendarDate, p: CalendarPeriod): CalendarDate {
  const years = requireInteger(p.years ?? 0, 'Period years');
  const months = requireInteger(p.months ?? 0, 'Period months');
  const days = requireInteger(p.days ?? 0, 'Period days');
  const afterMonths = addMonthsClamped(addMonthsClamped(requireParts(d), years * 12), months);
  return format(fromEpochDay(toEpochDay(afterMonths) + days));
}

export function addDays(d: CalendarDate, n: number): CalendarDate {
  return addPeriod(d, { days: n });
}

export function addYears(d: CalendarDate, n: number): CalendarDate {
  return addPeriod(d, { years: n });
}

// Every workflow activation compares the same few dates many times over (sorting completions, the
// balance, the phase): each date is parsed once. Module-private, deterministic, bounded.
const epochDays = new Map<string, number>();
const EPOCH_DAYS_KEPT = 4096;

function epochDayOf(d: CalendarDate): number {
  let epochDay = epochDays.get(d);
  if (epochDay === undefined) {
    epochDay = toEpochDay(requireParts(d));
    if (epochDays.size >= EPOCH_DAYS_KEPT) epochDays.clear();
    epochDays.set(d, epochDay);
  }
  return epochDay;
}

/** `b - a` in whole days. */
export function daysBetween(a: CalendarDate, b: CalendarDate): number {
  return epochDayOf(b) - epochDayOf(a);
}

export function compareDates(a: CalendarDate, b: CalendarDate): -1 | 0 | 1 {
  const diff = daysBetween(b, a);
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

export function minDate(first: CalendarDate, ...rest: CalendarDate[]): CalendarDate {
  return rest.reduce((min, d) => (compareDates(d, min) < 0 ? d : min), parseCalendarDate(first));
}

export function maxDate(first: CalendarDate, ...rest: CalendarDate[]): CalendarDate {
  return rest.reduce((max, d) => (compareDates(d, max) > 0 ? d : max), parseCalendarDate(first));
}

// ---- Instants in a time zone -------------------------------------------------------------------

// Formatters are costly to build; a per-zone cache is deterministic, so it is sandbox-safe.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        era: 'short',
      });
    } catch {
      throw new RangeError(
        `Unknown time zone ${JSON.stringify(timeZone)}: expected an IANA zone such as America/Phoenix.`,
      );
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface LocalTime extends DateParts {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/**
 * Keeps `value` under `key` in a memo of at most `max` entries (all dropped when full). Only for pure
 * functions of the key: sharing the answers between workflows is then deterministic. (No closure
 * to compute the value: these memos sit on every activation's path.)
 */
function remember<V>(memo: Map<string, V>, max: number, key: string, value: V): V {
  if (memo.size >= max) memo.clear();
  memo.set(key, value);
  return value;
}

const wholeSecondOf = (instantMs: number): number => Math.floor(instantMs / 1000) * 1000;

// The local reading of an instant has no unit finer than the second, so it is a function of the
// zone and the whole second. formatToParts is the costliest call here, and a second holds many asks:
// an activation's "today" and its signals' receipt days, the API's requests. Remembered per
// (zone, second).
const localTimes = new Map<string, LocalTime>();
const MAX_REMEMBERED_LOCAL_TIMES = 64;

function localTimeAt(instantMs: number, timeZone: string): LocalTime {
  if (!Number.isFinite(instantMs))
    throw new RangeError(`Invalid instant ${instantMs}: expected epoch milliseconds.`);
  const wholeSecondMs = wholeSecondOf(instantMs);
  const key = `${timeZone}|${wholeSecondMs}`;
  return (
    localTimes.get(key) ??
    remember(localTimes, MAX_REMEMBERED_LOCAL_TIMES, key, readLocalTime(wholeSecondMs, timeZone))
  );
}

function readLocalTime(wholeSecondMs: number, timeZone: string): LocalTime {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(wholeSecondMs)) fields[part.type] = part.value;
  const yearOfEra = Number(fields.year);
  return Object.freeze({
    year: fields.era === 'BC' ? 1 - yearOfEra : yearOfEra,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour) % 24, // some ICU versions print midnight as 24
    minute: Number(fields.minute),
    second: Number(fields.second),
  });
}

// The wall-clock reading, as if it were UTC, in ms.
function wallClockMs(local: LocalTime): number {
  return toEpochDay(local) * MS_PER_DAY + ((local.hour * 60 + local.minute) * 60 + local.second) * 1000;
}

/** UTC offset (ms, east positive) of the zone at an instant. */
function offsetAt(instantMs: number, timeZone: string): number {
  const wholeSecond = wholeSecondOf(instantMs);
  return wallClockMs(localTimeAt(wholeSecond, timeZone)) - wholeSecond;
}

/**
 * The instant of a local wall-clock reading. Like Temporal's 'compatible' disambiguation:
 * an ambiguous reading (clocks turned back) takes the earlier instant, a skipped one (clocks
 * turned forward) is moved forward by the gap, so 00:00 on a day that starts at 01:00 is 01:00.
 */
function instantOfWallClock(wallMs: number, timeZone: string): number {
  // No zone changes its offset twice within two days, so the offsets a day either side cover all candidates.
  const offsetBefore = offsetAt(wallMs - MS_PER_DAY, timeZone);
  const offsetAfter = offsetAt(wallMs + MS_PER_DAY, timeZone);
  const candidates = [wallMs - offsetBefore, wallMs - offsetAfter].filter(
    (instant) => instant + offsetAt(instant, timeZone) === wallMs,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return wallMs - offsetBefore;
}

// Instants of (day, time, zone) are asked for again and again (every reminder and boundary of every
// cycle, at every wake-up) and each costs several Intl calls: remembered.
const instants = new Map<string, number>();
const MAX_REMEMBERED_INSTANTS = 100_000;

/** The instant (epoch ms) at local time `HH:MM` on day `d` in `timeZone`. */
export function instantAt(d: CalendarDate, timeOfDay: string, timeZone: string): number {
  const key = `${d}|${timeOfDay}|${timeZone}`;
  return (
    instants.get(key) ??
    remember(instants, MAX_REMEMBERED_INSTANTS, key, computeInstantAt(d, timeOfDay, timeZone))
  );
}

function computeInstantAt(d: CalendarDate, timeOfDay: string, timeZone: string): number {
  const match = TIME_PATTERN.exec(timeOfDay);
  if (!match)
    throw new RangeError(
      `Invalid time of day ${JSON.stringify(timeOfDay)}: expected HH:MM (00:00 to 23:59).`,
    );
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return instantOfWallClock(toEpochDay(requireParts(d)) * MS_PER_DAY + minutes * 60_000, timeZone);
}

/** The first instant of day `d` in `timeZone`. */
export function startOfDay(d: CalendarDate, timeZone: string): number {
  return instantAt(d, '00:00', timeZone);
}

/** The exclusive end of day `d` in `timeZone`: the deadline of `d`. */
export function endOfDay(d: CalendarDate, timeZone: string): number {
  return startOfDay(addDays(d, 1), timeZone);
}

/** The calendar date in `timeZone` at an instant. */
export function dateAt(instantMs: number, timeZone: string): CalendarDate {
  return format(localTimeAt(instantMs, timeZone));
}
