import {
  auditDeadlineReminders,
  cycleReminders,
  lastApplicationDay,
  quoteFee,
  type CalendarDate,
  type ReminderMoment,
} from '../../rules';
import type { CredentialEvent } from '../events';
import { event, SYSTEM } from './event';
import { balanceOn, hasLiveApplication, rulesOn, type CycleState } from './state';

// Which reminders are due, which are passed over, and when the next one is. Each key is sent at
// most once: keys include the cycle start (and the audit), and sent/skipped keys live in state,
// which Temporal rebuilds by replay after a worker restart. A due reminder is an event: the
// projection records it and queues it on the policy's channels (the outbox, see delivery/).

export interface ReminderPlan {
  readonly send: readonly ReminderMoment[];
  readonly skip: readonly string[];
  /** The next instant a reminder falls due, or null. */
  readonly nextAt: number | null;
}

function auditMoments(state: CycleState): ReminderMoment[] {
  const audit = state.audit;
  if (!audit || audit.state !== 'AwaitingDocuments') return [];
  const selected: ReminderMoment = {
    key: `${state.dates.start}:audit_selected:0:${audit.auditId}`,
    kind: 'audit_selected',
    daysBefore: 0,
    on: audit.selectedOn,
    at: audit.selectedAt,
  };
  // Counted back from the recorded deadline (its document days were those in force on selection).
  return [
    selected,
    ...auditDeadlineReminders(
      audit.selectedOn,
      audit.documentsDueOn,
      state.policy,
      state.dates.start,
      audit.auditId,
    ),
  ];
}

export function planReminders(state: CycleState, now: number): ReminderPlan {
  const done = new Set([...state.remindersSent, ...state.remindersSkipped]);
  const send: ReminderMoment[] = [];
  const skip: string[] = [];
  let nextAt: number | null = null;
  const consider = (moment: ReminderMoment, silenced: boolean): void => {
    if (done.has(moment.key)) return;
    if (moment.at > now) {
      nextAt = nextAt === null ? moment.at : Math.min(nextAt, moment.at);
    } else if (silenced) {
      skip.push(moment.key);
    } else {
      send.push(moment);
    }
  };
  // Renewal reminders are for holders who have not applied yet. A moment already past when the cycle's
  // first run started (imported mid-cycle, or a late renewal's new cycle) is passed over, not sent late.
  const applied = hasLiveApplication(state);
  for (const moment of cycleReminders(state.dates, state.policy)) {
    consider(moment, applied || moment.at < state.runStartedAt);
  }
  for (const moment of auditMoments(state)) consider(moment, false);
  return { send, skip, nextAt };
}

/** Facts for the template: dates, amounts in cents, CEUs in hundredths. IDs and numbers only. */
function factsFor(state: CycleState, moment: ReminderMoment, today: CalendarDate) {
  const { dates } = state;
  const quote = quoteFee(dates, rulesOn(state, today), today);
  const balance = balanceOn(state, today);
  const audit = state.audit;
  const auditFacts: Record<string, string | null> =
    moment.kind === 'audit_selected' || moment.kind === 'audit_deadline'
      ? {
          auditId: audit?.auditId ?? null,
          applicationId: audit?.applicationId ?? null,
          documentsDueOn: audit?.documentsDueOn ?? null,
        }
      : {};
  return {
    expiration: dates.expiration,
    lateWindowEnd: dates.lateWindowEnd,
    lastApplicationDay: lastApplicationDay(dates),
    lapseDate: dates.lapseDate,
    feeDueCents: quote.accepted ? quote.total : null,
    feeValidThrough: quote.accepted ? quote.validThrough : null,
    ceusEarnedHundredths: balance.earned,
    ceusMissingHundredths: balance.shortfall,
    ...auditFacts,
  };
}

/** Marks the plan's reminders sent or skipped and returns the events of those sent now. */
export function dueReminders(
  state: CycleState,
  plan: ReminderPlan,
  now: number,
  today: CalendarDate,
): CredentialEvent[] {
  state.remindersSkipped.push(...plan.skip);
  return plan.send.map((moment) => {
    state.remindersSent.push(moment.key);
    return event(state, `reminder:${moment.key}`, now, SYSTEM, {
      type: 'reminder_due',
      reminder: moment,
      channels: state.policy.reminders.channels,
      facts: factsFor(state, moment, today),
    });
  });
}
