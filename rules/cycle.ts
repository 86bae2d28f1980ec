import { addDays, addPeriod, compareDates, endOfDay, parseCalendarDate, startOfDay } from './calendar';
import type { CalendarDate, CycleDates, Phase, Policy, Window } from './types';

/** The instants (epoch ms) a cycle's workflow sleeps until. */
export interface CycleBoundaries {
  /** End of E: the credential is expired from here on. */
  readonly expiresAt: number;
  /** End of the late window's last day. */
  readonly lateWindowClosesAt: number;
  /** Start of the lapse date: applications are refused from here on. */
  readonly lapsesAt: number;
}

/**
 * Dates of the cycle starting on `start`. The certification cycle (1) ends a cycle length after its
 * start; a renewed cycle starts the day after the previous E and ends a cycle length after that E
 * (spec: "starting E+1 day and ending E+2 years"), so renewals never drift by a day.
 */
export function cycleDates(start: CalendarDate, policy: Policy, cycle = 1): CycleDates {
  const anchor = cycle === 1 ? parseCalendarDate(start) : addDays(parseCalendarDate(start), -1);
  const expiration = addPeriod(anchor, policy.cycleLength);
  return {
    start,
    expiration,
    lateWindowEnd: addPeriod(expiration, policy.lateWindow),
    courseCutoff: addPeriod(expiration, policy.lateCourseGrace),
    lapseDate: addPeriod(expiration, policy.lapseAfter),
  };
}

/** A renewed cycle, on time or late, is followed by one starting the day after E. */
export function nextCycleStart(dates: CycleDates): CalendarDate {
  return addDays(dates.expiration, 1);
}

/** The cycle after `dates`: E+1 day to E + cycle length. Late renewal does not move it. */
export function nextCycleDates(dates: CycleDates, policy: Policy): CycleDates {
  return cycleDates(nextCycleStart(dates), policy, 2);
}

/** Dates of cycle `cycle` (1-based) of a credential certified on `certifiedOn`. */
export function nthCycleDates(certifiedOn: CalendarDate, cycle: number, policy: Policy): CycleDates {
  let dates = cycleDates(certifiedOn, policy);
  for (let n = 1; n < cycle; n += 1) dates = nextCycleDates(dates, policy);
  return dates;
}

export function windowOn(dates: CycleDates, day: CalendarDate): Window {
  if (compareDates(day, dates.lapseDate) >= 0) return 'lapsed';
  if (compareDates(day, dates.expiration) <= 0) return 'in_cycle';
  if (compareDates(day, dates.lateWindowEnd) <= 0) return 'late';
  return 'reinstatement';
}

/**
 * Why a credential cannot be started in this cycle today, or null: its lapse date has come, so it
 * would close at once (with today, not its lapse date, as the day it closed). Enrolment (API) and
 * bulk import both refuse it with this one rule.
 */
export function lapsedCycle(cycle: number, dates: CycleDates, today: CalendarDate): string | null {
  if (windowOn(dates, today) !== 'lapsed') return null;
  return `cycle ${cycle} (${dates.start} to ${dates.expiration}) lapsed on ${dates.lapseDate}`;
}

export interface PhaseFacts {
  /** Closed for good (the run has ended), else null. */
  readonly closed: 'Lapsed' | 'Revoked' | null;
  /** An application received before the lapse date and not denied: it holds the lapse. */
  readonly applicationLive: boolean;
}

/**
 * What a credential is on `today`: the phase follows the dates ("expired" is shown honestly during
 * the late and reinstatement windows), except that an application received before the lapse date
 * keeps it in reinstatement until it is decided. The workflow and the API's reads both use this.
 */
export function phaseOn(dates: CycleDates, today: CalendarDate, facts: PhaseFacts): Phase {
  if (facts.closed) return facts.closed;
  switch (windowOn(dates, today)) {
    case 'in_cycle':
      return 'Active';
    case 'late':
      return 'ExpiredLate';
    case 'reinstatement':
      return 'ExpiredReinstatement';
    case 'lapsed':
      return facts.applicationLive ? 'ExpiredReinstatement' : 'Lapsed';
  }
}

/** Last day of the window `day` falls in, or null once lapsed (no last day). */
export function windowEndsOn(dates: CycleDates, day: CalendarDate): CalendarDate | null {
  switch (windowOn(dates, day)) {
    case 'in_cycle':
      return dates.expiration;
    case 'late':
      return dates.lateWindowEnd;
    case 'reinstatement':
      return lastApplicationDay(dates);
    case 'lapsed':
      return null;
  }
}

/** The last day an application is accepted. */
export function lastApplicationDay(dates: CycleDates): CalendarDate {
  return addDays(dates.lapseDate, -1);
}

export function hasLateWindow(dates: CycleDates): boolean {
  return compareDates(dates.lateWindowEnd, dates.expiration) > 0;
}

export function boundaries(dates: CycleDates, policy: Policy): CycleBoundaries {
  return {
    expiresAt: endOfDay(dates.expiration, policy.timeZone),
    lateWindowClosesAt: endOfDay(dates.lateWindowEnd, policy.timeZone),
    lapsesAt: startOfDay(dates.lapseDate, policy.timeZone),
  };
}
