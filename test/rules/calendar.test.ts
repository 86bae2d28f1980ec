import {
  addDays,
  addPeriod,
  addYears,
  compareDates,
  dateAt,
  daysBetween,
  endOfDay,
  instantAt,
  isCalendarDate,
  maxDate,
  minDate,
  parseCalendarDate,
  startOfDay,
} from '../../rules';

const HOUR = 3_600_000;

describe('calendar dates', () => {
  it.each([
    ['2026-03-15', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2100-02-29', false],
    ['2000-02-29', true],
    ['2026-04-31', false],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-3-15', false],
    ['2026-03-15T00:00', false],
    [' 2026-03-15', false],
    ['', false],
  ])('when the text is %p, then isCalendarDate is %p', (text, expected) => {
    expect(isCalendarDate(text)).toBe(expected);
  });

  it('when a date is invalid, then parseCalendarDate throws a RangeError naming it', () => {
    expect(() => parseCalendarDate('2026-02-30')).toThrow(RangeError);
    expect(() => parseCalendarDate('2026-02-30')).toThrow(/"2026-02-30".*YYYY-MM-DD/);
    expect(parseCalendarDate('2026-02-28')).toBe('2026-02-28');
  });

  it.each([
    ['2024-02-29', { years: 2 }, '2026-02-28'],
    ['2024-02-29', { years: 4 }, '2028-02-29'],
    ['2028-02-29', { years: 2 }, '2030-02-28'],
    ['2024-03-15', { years: 2 }, '2026-03-15'],
    ['2026-03-15', { days: 90 }, '2026-06-13'],
    ['2026-03-15', { years: 1 }, '2027-03-15'],
    ['2026-08-31', { months: 6 }, '2027-02-28'],
    ['2027-08-31', { months: 6 }, '2028-02-29'],
    ['2026-08-31', { months: 6, days: 1 }, '2027-03-01'],
    ['2026-01-31', { months: 1 }, '2026-02-28'],
    ['2024-02-29', { years: 1, months: 1 }, '2025-03-28'],
    ['2026-12-31', { days: 1 }, '2027-01-01'],
    ['2026-03-01', { days: -1 }, '2026-02-28'],
    ['2026-03-15', { months: -3 }, '2025-12-15'],
    ['2026-03-15', {}, '2026-03-15'],
  ])('when %s + %j, then %s (years, then months clamped, then days)', (start, period, expected) => {
    expect(addPeriod(start, period)).toBe(expected);
  });

  it('when adding days or years through the shorthands, then they match addPeriod', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
  });

  it('when a period is fractional, then it throws a RangeError', () => {
    expect(() => addPeriod('2026-03-15', { days: 1.5 })).toThrow(RangeError);
  });

  it('when counting days across a leap day and a DST change, then calendar days are counted', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2026-03-15', '2027-03-15')).toBe(365);
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
    expect(daysBetween('2026-03-15', '2026-03-10')).toBe(-5);
  });

  it('when comparing dates, then compareDates, minDate and maxDate order them', () => {
    expect(compareDates('2026-03-15', '2026-03-16')).toBe(-1);
    expect(compareDates('2026-03-15', '2026-03-15')).toBe(0);
    expect(compareDates('2027-01-01', '2026-12-31')).toBe(1);
    expect(minDate('2026-03-15', '2025-12-31', '2026-01-01')).toBe('2025-12-31');
    expect(maxDate('2026-03-15', '2025-12-31', '2026-06-13')).toBe('2026-06-13');
    expect(minDate('2026-03-15')).toBe('2026-03-15');
  });

  it('when the same dates are compared again (they are parsed once and kept), then the answers and refusals stay the same', () => {
    for (let round = 0; round < 2; round += 1) {
      expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
      expect(compareDates('2024-02-29', '2024-03-01')).toBe(-1);
      expect(() => daysBetween('2023-02-29', '2024-03-01')).toThrow(RangeError);
    }
    // More distinct dates than are kept: the oldest go, the answers do not change.
    let day = '2000-01-01';
    for (let i = 0; i < 5000; i += 1) day = addDays(day, 1);
    expect(daysBetween('2000-01-01', day)).toBe(5000);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
  });
});

describe('instants in a time zone', () => {
  it('when the zone has no DST (America/Phoenix), then the end of a day is 07:00 UTC the next day', () => {
    expect(endOfDay('2026-03-15', 'America/Phoenix')).toBe(Date.UTC(2026, 2, 16, 7));
    expect(startOfDay('2026-07-01', 'America/Phoenix')).toBe(Date.UTC(2026, 6, 1, 7));
  });

  it.each([
    // [date, start of day in UTC] around the 2026 DST changes (8 March and 1 November)
    ['2026-03-07', Date.UTC(2026, 2, 7, 8)],
    ['2026-03-08', Date.UTC(2026, 2, 8, 8)],
    ['2026-03-09', Date.UTC(2026, 2, 9, 7)],
    ['2026-10-31', Date.UTC(2026, 9, 31, 7)],
    ['2026-11-01', Date.UTC(2026, 10, 1, 7)],
    ['2026-11-02', Date.UTC(2026, 10, 2, 8)],
  ])('when the day is %s in America/Los_Angeles, then it starts at %p', (day, expected) => {
    expect(startOfDay(day, 'America/Los_Angeles')).toBe(expected);
  });

  it('when a DST day is measured in America/Los_Angeles, then it lasts 23 or 25 hours', () => {
    const tz = 'America/Los_Angeles';
    expect(endOfDay('2026-03-08', tz) - startOfDay('2026-03-08', tz)).toBe(23 * HOUR);
    expect(endOfDay('2026-11-01', tz) - startOfDay('2026-11-01', tz)).toBe(25 * HOUR);
    expect(endOfDay('2026-03-07', tz)).toBe(startOfDay('2026-03-08', tz));
  });

  it('when the zone is America/New_York, then the end of 2026-03-07 is 05:00 UTC and of 2026-03-08 is 04:00 UTC', () => {
    expect(endOfDay('2026-03-07', 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5));
    expect(endOfDay('2026-03-08', 'America/New_York')).toBe(Date.UTC(2026, 2, 9, 4));
  });

  it('when a local time falls in the spring-forward gap, then it moves forward by the gap', () => {
    expect(instantAt('2026-03-08', '02:30', 'America/Los_Angeles')).toBe(Date.UTC(2026, 2, 8, 10, 30));
  });

  it('when a local time is repeated in the fall-back hour, then the earlier instant is taken', () => {
    expect(instantAt('2026-11-01', '01:30', 'America/Los_Angeles')).toBe(Date.UTC(2026, 10, 1, 8, 30));
  });

  it('when a zone starts DST at midnight (America/Santiago), then the day starts at 01:00 local', () => {
    // Chile moved clocks from 00:00 to 01:00 on 2024-09-08.
    const start = startOfDay('2024-09-08', 'America/Santiago');
    expect(start).toBe(Date.UTC(2024, 8, 8, 4));
    expect(dateAt(start, 'America/Santiago')).toBe('2024-09-08');
    expect(dateAt(start - 1, 'America/Santiago')).toBe('2024-09-07');
  });

  it('when reminders are due at 09:00, then instantAt gives 09:00 local on both sides of DST', () => {
    expect(instantAt('2026-03-07', '09:00', 'America/Los_Angeles')).toBe(Date.UTC(2026, 2, 7, 17));
    expect(instantAt('2026-03-09', '09:00', 'America/Los_Angeles')).toBe(Date.UTC(2026, 2, 9, 16));
    expect(instantAt('2026-03-09', '09:00', 'America/Phoenix')).toBe(Date.UTC(2026, 2, 9, 16));
  });

  it.each([
    [Date.UTC(2026, 2, 16, 6, 59, 59, 999), 'America/Phoenix', '2026-03-15'],
    [Date.UTC(2026, 2, 16, 7), 'America/Phoenix', '2026-03-16'],
    [Date.UTC(2026, 2, 9, 6, 59, 59, 999), 'America/Los_Angeles', '2026-03-08'],
    [Date.UTC(2026, 2, 9, 7), 'America/Los_Angeles', '2026-03-09'],
    [Date.UTC(2026, 10, 2, 7, 59, 59, 999), 'America/Los_Angeles', '2026-11-01'],
    [Date.UTC(2026, 10, 2, 8), 'America/Los_Angeles', '2026-11-02'],
    [Date.UTC(2026, 0, 1), 'UTC', '2026-01-01'],
  ])('when the instant is %p in %s, then the local date is %s', (instant, tz, expected) => {
    expect(dateAt(instant, tz)).toBe(expected);
  });

  it('when one instant is read in two zones in a row (readings are kept per zone and second), then each zone gets its own day', () => {
    const instant = Date.UTC(2026, 10, 27, 5, 30);
    for (let round = 0; round < 2; round += 1) {
      expect(dateAt(instant, 'America/Phoenix')).toBe('2026-11-26');
      expect(dateAt(instant, 'Europe/Berlin')).toBe('2026-11-27');
      // 22:30 and 23:30 in Phoenix, then 00:30 the next day.
      expect(dateAt(instant + HOUR, 'America/Phoenix')).toBe('2026-11-26');
      expect(dateAt(instant + 2 * HOUR, 'America/Phoenix')).toBe('2026-11-27');
    }
  });

  it('when the last and first milliseconds of a local day are read in either order (readings are kept per second), then each gets its own day', () => {
    // 00:00:00.000 in Phoenix (UTC-7); at the epoch, where the day before has negative instants; and
    // in New York before 1883 (local mean time, UTC-4:56:02), where a day starts inside a UTC minute.
    for (const [midnight, tz, before, after] of [
      [Date.UTC(2026, 10, 28, 7), 'America/Phoenix', '2026-11-27', '2026-11-28'],
      [0, 'UTC', '1969-12-31', '1970-01-01'],
      [Date.UTC(1880, 0, 1, 4, 56, 2), 'America/New_York', '1879-12-31', '1880-01-01'],
    ] as const) {
      const readings = [
        [midnight - 1, before],
        [midnight, after],
        [midnight + 999, after],
        [midnight - 1, before],
        [midnight - 1000, before],
        [midnight + 1000, after],
        [midnight - 999, before],
      ] as const;
      for (const [instant, day] of readings) expect(dateAt(instant, tz)).toBe(day);
    }
  });

  it('when dateAt is applied to startOfDay and endOfDay - 1, then both give the day back', () => {
    for (const tz of ['America/Phoenix', 'America/Los_Angeles', 'America/New_York', 'Australia/Lord_Howe']) {
      for (const day of ['2026-03-08', '2026-04-05', '2026-10-04', '2026-11-01', '2024-02-29']) {
        expect(dateAt(startOfDay(day, tz), tz)).toBe(day);
        expect(dateAt(endOfDay(day, tz) - 1, tz)).toBe(day);
      }
    }
  });

  it('when the time zone or time of day is invalid, then a RangeError explains it', () => {
    expect(() => startOfDay('2026-03-15', 'Mars/Olympus')).toThrow(/Unknown time zone "Mars\/Olympus"/);
    expect(() => instantAt('2026-03-15', '24:00', 'America/Phoenix')).toThrow(/HH:MM/);
    expect(() => instantAt('2026-03-15', '9:00', 'America/Phoenix')).toThrow(RangeError);
  });
});
