import { dateAt } from '../rules/calendar';
import { getPolicy } from '../rules/policies';
import type { CalendarDate, CycleDates } from '../rules/types';

// PostgreSQL DATE columns arrive as JS Dates at UTC midnight; convert at the boundary only.
export const toDbDate = (d: CalendarDate): Date => new Date(`${d}T00:00:00.000Z`);
export const fromDbDate = (d: Date): CalendarDate => d.toISOString().slice(0, 10);

/** The calendar day of an instant in the credential policy's time zone (events carry epoch ms). */
export const policyDay = (at: number, policyId: string): CalendarDate =>
  dateAt(at, getPolicy(policyId).timeZone);

export function cycleDatesOf(row: {
  cycleStart: Date;
  expiresOn: Date;
  lateWindowEndsOn: Date;
  courseCutoff: Date;
  lapsesOn: Date;
}): CycleDates {
  return {
    start: fromDbDate(row.cycleStart),
    expiration: fromDbDate(row.expiresOn),
    lateWindowEnd: fromDbDate(row.lateWindowEndsOn),
    courseCutoff: fromDbDate(row.courseCutoff),
    lapseDate: fromDbDate(row.lapsesOn),
  };
}
