import {
  completionConflict,
  completionKey,
  completionReportProblems,
  compareDates,
  countingCprAed,
  cprAedConflict,
  cprAedReportProblems,
  isValidOn,
  sameCompletion,
  sameCprAed,
  type CalendarDate,
  type CeuCompletion,
  type CprAedCertification,
  type Rejection,
} from '../../rules';
import type { ReportCeuCompletion, ReportCprAed } from '../contract';
import type { CredentialEvent, ReportStanding } from '../events';
import { event } from './event';
import { refusal } from './refusals';
import { balanceOn, type CycleState } from './state';

// Facts reported by providers and the portal (signals). A repeat of a recorded fact changes nothing;
// a report that contradicts one, is dated after the day it was received, or reaches a closed
// credential is refused and the refusal recorded, so the provider can read why.

/** More reports than this in one cycle is a runaway client, not a holder's education. */
export const MAX_REPORTS_PER_CYCLE = 500;

function closedReason(state: CycleState): Rejection[] {
  return state.closed
    ? [
        {
          code: 'closed',
          message: `The credential is ${state.closed.phase.toLowerCase()} since ${state.closed.on}; reports no longer count.`,
        },
      ]
    : [];
}

function tooMany(count: number): Rejection[] {
  return count >= MAX_REPORTS_PER_CYCLE
    ? [
        {
          code: 'too_many_reports',
          message: `This cycle already holds ${MAX_REPORTS_PER_CYCLE} reports: no more are accepted; ask ops to look into the sender.`,
        },
      ]
    : [];
}

function standingOfCourse(state: CycleState, key: string, today: CalendarDate): ReportStanding {
  const balance = balanceOn(state, today);
  if (balance.counted.some((c) => c.key === key)) return { counted: true };
  const excluded = balance.excluded.find((c) => c.key === key);
  return { counted: false, reason: excluded?.reason ?? 'after_cycle' };
}

function standingOfCprAed(state: CycleState, cert: CprAedCertification, today: CalendarDate): ReportStanding {
  if (countingCprAed(state.policy, [cert], today)) return { counted: true };
  if (isValidOn(cert, today)) return { counted: false, reason: 'cpr_aed_not_hands_on' };
  return {
    counted: false,
    reason: compareDates(cert.expiresOn, today) < 0 ? 'cpr_aed_expired' : 'cpr_aed_not_yet_valid',
  };
}

export function reportCompletion(
  state: CycleState,
  report: ReportCeuCompletion,
  receivedOn: CalendarDate,
  at: number,
): CredentialEvent[] {
  const { reportedBy, receivedAt: _receivedAt, ...completion } = report;
  const key = completionKey(completion);
  const recorded =
    state.completions.find((c) => completionKey(c) === key) ??
    state.previous?.completions.find((c) => completionKey(c) === key);
  if (recorded && sameCompletion(recorded, completion)) return [];
  const reasons = [
    ...closedReason(state),
    ...(recorded ? [completionConflict(recorded, completion)] : []),
    ...completionReportProblems(completion, receivedOn),
    ...tooMany(state.completions.length),
  ];
  if (reasons.length > 0) {
    return [
      refusal(state, 'reportCeuCompletion', reasons, report, at, reportedBy, {
        kind: 'ceu',
        source: completion.provider,
        id: completion.completionId,
      }),
    ];
  }
  state.completions.push(completion as CeuCompletion);
  const today = receivedOn;
  return [
    event(state, `ceu:${key}`, at, reportedBy, {
      type: 'ceu_completion_reported',
      completion,
      standing: standingOfCourse(state, key, today),
      ceusEarned: balanceOn(state, today).earned,
    }),
  ];
}

export function reportCprAed(
  state: CycleState,
  report: ReportCprAed,
  receivedOn: CalendarDate,
  at: number,
): CredentialEvent[] {
  const { reportedBy, receivedAt: _receivedAt, ...certification } = report;
  const id = certification.certificationId;
  const recorded =
    state.cprAed.find((c) => c.certificationId === id) ??
    state.previous?.cprAed.find((c) => c.certificationId === id);
  if (recorded && sameCprAed(recorded, certification)) return [];
  const reasons = [
    ...closedReason(state),
    ...(recorded ? [cprAedConflict(recorded, certification)] : []),
    ...cprAedReportProblems(certification, receivedOn),
    ...tooMany(state.cprAed.length),
  ];
  if (reasons.length > 0) {
    return [
      refusal(state, 'reportCprAed', reasons, report, at, reportedBy, { kind: 'cpr_aed', source: 'cpr', id }),
    ];
  }
  state.cprAed.push(certification);
  return [
    event(state, `cpr:${id}`, at, reportedBy, {
      type: 'cpr_aed_reported',
      certification,
      standing: standingOfCprAed(state, certification, receivedOn),
      ceusEarned: balanceOn(state, receivedOn).earned,
    }),
  ];
}
