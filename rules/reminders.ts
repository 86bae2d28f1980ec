import { addDays, compareDates, endOfDay, instantAt } from './calendar';
import { hasLateWindow } from './cycle';
import type { CalendarDate, CycleDates, Policy, ReminderKind, ReminderMoment } from './types';

function moment(
  policy: Policy,
  key: string,
  kind: ReminderKind,
  daysBefore: number,
  on: CalendarDate,
): ReminderMoment {
  return { key, kind, daysBefore, on, at: instantAt(on, policy.reminders.timeOfDay, policy.timeZone) };
}

function byInstantThenKey(a: ReminderMoment, b: ReminderMoment): number {
  return a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * A cycle's reminders, each at the policy's time of day in its zone. "n days before" a date is
 * that date minus n days, where the date is the one the holder is shown: E (last active day),
 * the late window's last day, and the lapse date. The workflow decides which still apply.
 */
export function cycleReminders(dates: CycleDates, policy: Policy): ReminderMoment[] {
  const { daysBeforeExpiry, daysBeforeLateWindowCloses, daysBeforeLapse } = policy.reminders;
  const reminders = new Map<string, ReminderMoment>();
  const add = (kind: ReminderKind, daysBefore: number, on: CalendarDate): void => {
    const key = `${dates.start}:${kind}:${daysBefore}`;
    reminders.set(key, moment(policy, key, kind, daysBefore, on));
  };

  for (const n of daysBeforeExpiry) add('before_expiry', n, addDays(dates.expiration, -n));
  add('expired', 0, addDays(dates.expiration, 1));
  if (hasLateWindow(dates)) {
    for (const n of daysBeforeLateWindowCloses)
      add('late_window_closing', n, addDays(dates.lateWindowEnd, -n));
  }
  for (const n of daysBeforeLapse) add('lapse_approaching', n, addDays(dates.lapseDate, -n));
  return [...reminders.values()].sort(byInstantThenKey);
}

export interface AuditSchedule {
  /** Last day to submit documents. */
  readonly deadlineOn: CalendarDate;
  /** Exclusive end of `deadlineOn` (epoch ms): no documents by then fails the audit. */
  readonly deadlineAt: number;
  readonly reminders: ReminderMoment[];
}

/** Documents are due by the end of the selection day + the policy's audit days. */
export function auditReminders(
  selectedOn: CalendarDate,
  policy: Policy,
  cycleStart: CalendarDate,
  auditId: string,
): AuditSchedule {
  const deadlineOn = addDays(selectedOn, policy.auditDocumentDays);
  return {
    deadlineOn,
    deadlineAt: endOfDay(deadlineOn, policy.timeZone),
    reminders: auditDeadlineReminders(selectedOn, deadlineOn, policy, cycleStart, auditId),
  };
}

/** The reminders before an audit's documents deadline, from the policy's schedule. */
export function auditDeadlineReminders(
  selectedOn: CalendarDate,
  deadlineOn: CalendarDate,
  policy: Policy,
  cycleStart: CalendarDate,
  auditId: string,
): ReminderMoment[] {
  const reminders = new Map<string, ReminderMoment>();
  for (const n of policy.reminders.daysBeforeAuditDeadline) {
    const on = addDays(deadlineOn, -n);
    // A reminder due before the selection itself would be pointless.
    if (compareDates(on, selectedOn) < 0) continue;
    // A re-application can be audited again in the same cycle (even the same day): key by audit.
    const key = `${cycleStart}:audit_deadline:${n}:${auditId}`;
    reminders.set(key, moment(policy, key, 'audit_deadline', n, on));
  }
  return [...reminders.values()].sort(byInstantThenKey);
}
