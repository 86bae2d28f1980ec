import {
  auditReminders,
  cycleReminders,
  dateAt,
  lastApplicationDay,
  quoteFee,
  type ReminderMoment,
} from '../../rules';
import type { ReminderRequest } from '../events';
import { balanceOn, hasLiveApplication, type CycleState } from './state';

// Which reminders are due, which are passed over, and when the next one is. Each key is sent at
// most once: keys include the cycle start (and the audit), and sent/skipped keys live in state,
// which Temporal rebuilds by replay after a worker restart.

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
  return [
    selected,
    ...auditReminders(audit.selectedOn, state.policy, state.dates.start, audit.auditId).reminders,
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
  // Renewal reminders are for holders who have not applied yet. A moment already past when the run
  // started (imported mid-cycle, or a late renewal's new cycle) is passed over, not sent late.
  const applied = hasLiveApplication(state);
  for (const moment of cycleReminders(state.dates, state.policy)) {
    consider(moment, applied || moment.at < state.runStartedAt);
  }
  for (const moment of auditMoments(state)) consider(moment, false);
  return { send, skip, nextAt };
}

/** Facts for the template: dates, amounts in cents, CEUs in hundredths. IDs and numbers only. */
export function reminderRequest(state: CycleState, moment: ReminderMoment, now: number): ReminderRequest {
  const today = dateAt(now, state.policy.timeZone);
  const { dates } = state;
  const quote = quoteFee(dates, state.policy, today);
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
    credentialNumber: state.input.credentialNumber,
    cycle: state.input.cycle,
    reminder: moment,
    facts: {
      expiration: dates.expiration,
      lateWindowEnd: dates.lateWindowEnd,
      lastApplicationDay: lastApplicationDay(dates),
      lapseDate: dates.lapseDate,
      feeDueCents: quote.accepted ? quote.total : null,
      feeValidThrough: quote.accepted ? quote.validThrough : null,
      ceusEarnedHundredths: balance.earned,
      ceusMissingHundredths: balance.shortfall,
      ...auditFacts,
    },
  };
}
