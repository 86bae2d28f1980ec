import {
  evaluatePetitionDecision,
  evaluatePetitionFiling,
  type CalendarDate,
  type Rejection,
} from '../../rules';
import type { DecideAudit, DecidePetition, FilePetition, Revoke, SubmitAuditDocuments } from '../contract';
import { isRenewalApproved, type CycleState } from './state';

// Update validators: read-only checks on the state, returning every reason at once (empty = valid).
// A rejection leaves no trace in history, so none of these may change anything.

function closed(state: CycleState): Rejection[] {
  // Between approval and continue-as-new nothing may change this run: it would not reach the next.
  if (isRenewalApproved(state)) {
    return [
      {
        code: 'renewal_in_progress',
        message:
          'The credential is moving into its next cycle right now: send the command again in a moment.',
      },
    ];
  }
  if (!state.closed) return [];
  return [
    {
      code: 'closed',
      message: `The credential is ${state.closed.phase.toLowerCase()} since ${state.closed.on}; it accepts no more commands.`,
    },
  ];
}

function reasonRequired(reason: string | undefined, what: string): Rejection[] {
  return (reason ?? '').trim() === ''
    ? [{ code: 'reason_required', message: `${what} needs a reason the holder can act on.` }]
    : [];
}

export function validateFilePetition(
  state: CycleState,
  cmd: FilePetition,
  receivedOn: CalendarDate,
): Rejection[] {
  const duplicate = state.petitions.some((p) => p.paymentReference === cmd.paymentReference);
  return [
    ...closed(state),
    ...evaluatePetitionFiling({
      dates: state.dates,
      policy: state.policy,
      receivedOn,
      course: cmd.course,
      requestedUnits: cmd.requestedUnits,
      completedOn: cmd.completedOn,
      amountPaid: cmd.amountPaid,
    }).reasons,
    ...(duplicate
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
      ...closed(state),
      {
        code: 'petition_not_found',
        message: `No petition ${cmd.petitionId} on this credential's current cycle.`,
      },
    ];
  }
  return [
    ...closed(state),
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
  cmd: SubmitAuditDocuments,
  now: number,
): Rejection[] {
  const audit = state.audit;
  const reasons = closed(state);
  if (!audit || audit.state !== 'AwaitingDocuments') {
    reasons.push({
      code: 'no_audit_pending',
      message: audit
        ? `Audit ${audit.auditId} is no longer awaiting documents (it is ${audit.state}).`
        : 'No audit is awaiting documents for this credential.',
    });
  } else if (now >= audit.deadlineAt) {
    reasons.push({
      code: 'audit_deadline_passed',
      message: `Documents were due by the end of ${audit.documentsDueOn}.`,
    });
  }
  if (cmd.documents.length === 0 || cmd.documents.some((d) => d.reference.trim() === '')) {
    reasons.push({
      code: 'documents_required',
      message: 'Submit at least one document, each with a reference.',
    });
  }
  return reasons;
}

export function validateDecideAudit(state: CycleState, cmd: DecideAudit): Rejection[] {
  const audit = state.audit;
  const reasons = closed(state);
  if (!audit || (audit.state !== 'UnderReview' && audit.state !== 'AwaitingDocuments')) {
    reasons.push({ code: 'no_audit_pending', message: 'No audit is pending for this credential.' });
  } else if (audit.state === 'AwaitingDocuments') {
    // Without documents the deadline decides; ops review what was submitted.
    reasons.push({
      code: 'audit_not_under_review',
      message: `Audit ${audit.auditId} is still awaiting documents (due by ${audit.documentsDueOn}).`,
    });
  }
  if (cmd.outcome !== 'passed' && cmd.outcome !== 'failed') {
    reasons.push({
      code: 'invalid_request',
      message: `Outcome must be passed or failed, got ${String(cmd.outcome)}.`,
    });
  }
  if (cmd.outcome === 'failed') reasons.push(...reasonRequired(cmd.reason, 'A failed audit'));
  return reasons;
}

export function validateRevoke(state: CycleState, cmd: Revoke): Rejection[] {
  return [...closed(state), ...reasonRequired(cmd.reason, 'A revocation')];
}
