import {
  evaluatePetitionDecision,
  evaluatePetitionFiling,
  windowOn,
  type CalendarDate,
  type Rejection,
} from '../../rules';
import type { DecideAudit, DecidePetition, FilePetition, Revoke, SubmitAuditDocuments } from '../contract';
import { hasLiveApplication, isRenewalApproved, rulesOn, type CycleState } from './state';

// Update validators: read-only checks on the state, returning every reason at once (empty = valid).
// A rejection leaves no trace in history, so none of these may change anything. Each takes the day
// (and instant) the API received the command.

export interface Receipt {
  readonly at: number;
  readonly day: CalendarDate;
}

/**
 * Between an approval and continue-as-new (or while an upgrade is on its way) nothing may change this
 * run: it would not reach the next one. This is then the only answer, for every command alike
 * (applications included): the same command succeeds a moment later.
 */
export function inTransition(state: CycleState): Rejection[] {
  if (isRenewalApproved(state)) {
    return [
      {
        code: 'renewal_in_progress',
        message:
          'The credential is moving into its next cycle right now: send the command again in a moment.',
      },
    ];
  }
  if (state.upgrade) {
    return [
      {
        code: 'upgrade_in_progress',
        message: 'The credential is moving onto new code right now: send the command again in a moment.',
      },
    ];
  }
  return [];
}

/** A closed credential (or one lapsed on the day the command was received) takes no more commands. */
export function closedTo(state: CycleState, received: Receipt): Rejection[] {
  if (state.closed) {
    return [
      {
        code: 'closed',
        message: `The credential is ${state.closed.phase.toLowerCase()} since ${state.closed.on}; it accepts no more commands.`,
      },
    ];
  }
  if (windowOn(state.dates, received.day) === 'lapsed' && !hasLiveApplication(state)) {
    return [
      {
        code: 'closed',
        message: `The credential lapsed on ${state.dates.lapseDate}; it accepts no more commands.`,
      },
    ];
  }
  return [];
}

export function validateFilePetition(state: CycleState, cmd: FilePetition, received: Receipt): Rejection[] {
  const paid = [
    ...state.petitions.map((p) => p.paymentReference),
    ...(state.previous?.paymentReferences ?? []),
  ];
  return [
    ...evaluatePetitionFiling({
      dates: state.dates,
      policy: rulesOn(state, received.day),
      receivedOn: received.day,
      course: cmd.course,
      requestedUnits: cmd.requestedUnits,
      completedOn: cmd.completedOn,
      amountPaid: cmd.amountPaid,
    }).reasons,
    ...(paid.includes(cmd.paymentReference)
      ? [
          {
            code: 'duplicate_payment' as const,
            message: `Payment ${cmd.paymentReference} already paid for another petition: each course needs its own fee.`,
          },
        ]
      : []),
  ];
}

export function validateDecidePetition(state: CycleState, cmd: DecidePetition): Rejection[] {
  const petition = state.petitions.find((p) => p.petitionId === cmd.petitionId);
  if (!petition) {
    return [
      {
        code: 'petition_not_found',
        message: `No petition ${cmd.petitionId} is open on this credential (a petition is decided in the cycle it was filed in, or the next).`,
      },
    ];
  }
  return [
    ...(petition.status !== 'pending'
      ? [
          {
            code: 'petition_not_pending' as const,
            message: `Petition ${cmd.petitionId} was already ${petition.status} on ${petition.decidedOn ?? 'an earlier day'}.`,
          },
        ]
      : []),
    ...evaluatePetitionDecision({ ...cmd, requestedUnits: petition.requestedUnits }),
  ];
}

export function validateSubmitAuditDocuments(
  state: CycleState,
  _cmd: SubmitAuditDocuments,
  received: Receipt,
): Rejection[] {
  const audit = state.audit;
  if (!audit || audit.state !== 'AwaitingDocuments') {
    return [
      {
        code: 'no_audit_pending',
        message: audit
          ? `Audit ${audit.auditId} is no longer awaiting documents (it is ${audit.state}).`
          : 'No audit is awaiting documents for this credential.',
      },
    ];
  }
  if (received.at >= audit.deadlineAt) {
    return [
      { code: 'audit_deadline_passed', message: `Documents were due by the end of ${audit.documentsDueOn}.` },
    ];
  }
  return [];
}

export function validateDecideAudit(state: CycleState, _cmd: DecideAudit): Rejection[] {
  const audit = state.audit;
  if (!audit || (audit.state !== 'UnderReview' && audit.state !== 'AwaitingDocuments')) {
    return [{ code: 'no_audit_pending', message: 'No audit is pending for this credential.' }];
  }
  if (audit.state === 'AwaitingDocuments') {
    // Without documents the deadline decides; ops review what was submitted.
    return [
      {
        code: 'audit_not_under_review',
        message: `Audit ${audit.auditId} is still awaiting documents (due by ${audit.documentsDueOn}).`,
      },
    ];
  }
  return [];
}

export function validateRevoke(_state: CycleState, _cmd: Revoke): Rejection[] {
  return [];
}
