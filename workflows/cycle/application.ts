import {
  auditReminders,
  evaluateApplication,
  isSelectedForAudit,
  MAX_RECEIPT_AGE_MS,
  petitionGrants,
  type ApplicationEvaluation,
  type CalendarDate,
} from '../../rules';
import {
  SYSTEM,
  type Actor,
  type DecideAudit,
  type SubmitApplication,
  type SubmitAuditDocuments,
} from '../contract';
import type { CredentialEvent } from '../events';
import { event } from './event';
import {
  hasLiveApplication,
  rulesOn,
  type ApplicationRecord,
  type AuditRecord,
  type CycleState,
} from './state';

// The renewal application and its audit. Every "day received" is the day the API received the
// command (rules/receipt.ts); the fee and the audit rate are those of the version in force that day.

/**
 * The workflow acts on a receipt deadline (documents due, the lapse date) this long after it, so a
 * command the API received before the deadline is still decided on its stamp when a worker restart
 * delays it (a stamp older than this counts as this old anyway: rules/receipt.ts).
 */
export const DEADLINE_GRACE_MS = MAX_RECEIPT_AGE_MS;

export function evaluate(
  state: CycleState,
  cmd: SubmitApplication,
  receivedOn: CalendarDate,
): ApplicationEvaluation {
  return evaluateApplication({
    dates: state.dates,
    policy: rulesOn(state, receivedOn),
    receivedOn,
    amountPaid: cmd.amountPaid,
    completions: state.completions,
    grants: petitionGrants(state.petitions),
    cprAed: state.cprAed,
    consumed: state.consumed,
    pendingApplication: hasLiveApplication(state),
    closed: state.closed ? (state.closed.phase === 'Revoked' ? 'revoked' : 'lapsed') : null,
  });
}

/**
 * Receives an eligible application and applies its audit draw in one step (the draw is taken before,
 * while `state.receiving` holds a second application off), so its events are recorded together.
 */
export function receiveApplication(
  state: CycleState,
  cmd: SubmitApplication,
  evaluation: ApplicationEvaluation,
  receivedOn: CalendarDate,
  draw: number,
  at: number,
): CredentialEvent[] {
  if (!evaluation.quote.accepted) throw new Error('An accepted application must have a fee quote');
  state.counters.applications += 1;
  const application: ApplicationRecord = {
    applicationId: `${state.input.credentialNumber}-c${state.input.cycle}-app${state.counters.applications}`,
    receivedOn,
    paymentReference: cmd.paymentReference,
    amountPaid: cmd.amountPaid,
    fee: evaluation.quote,
    status: 'pending',
    auditSelected: false,
    decidedOn: null,
    reason: null,
    consumes: evaluation.consumes,
  };
  state.application = application;
  return [
    event(state, `application:${application.applicationId}:received`, at, cmd.submittedBy, {
      type: 'application_received',
      applicationId: application.applicationId,
      receivedOn,
      paymentReference: cmd.paymentReference,
      amountPaid: cmd.amountPaid,
      fee: evaluation.quote,
      balance: evaluation.balance,
      ceusEarned: evaluation.balance.earned,
    }),
    ...applyAuditDraw(state, draw, receivedOn, at),
  ];
}

function decideApplication(
  state: CycleState,
  outcome: 'approved' | 'denied',
  reason: string | null,
  decidedOn: CalendarDate,
  at: number,
  actor: Actor,
): CredentialEvent[] {
  const application = state.application;
  if (!application || application.status !== 'pending') return [];
  state.application = { ...application, status: outcome, decidedOn, reason };
  return [
    event(state, `application:${application.applicationId}:decided`, at, actor, {
      type: 'application_decided',
      applicationId: application.applicationId,
      outcome,
      charged: outcome === 'approved' ? application.fee.lines : [],
      ...(outcome === 'approved' ? { consumes: application.consumes } : {}),
      reason,
    }),
  ];
}

/** The recorded draw decides, at the rate in force on the day received; a re-application after a failed audit is always audited. */
function applyAuditDraw(
  state: CycleState,
  draw: number,
  receivedOn: CalendarDate,
  at: number,
): CredentialEvent[] {
  const application = state.application;
  if (!application || application.status !== 'pending') return [];
  const forced = state.forceAudit;
  const rules = rulesOn(state, receivedOn);
  const selectionKey = `application:${application.applicationId}:audit_selection`;
  if (!isSelectedForAudit(draw, rules, forced)) {
    return [
      event(state, selectionKey, at, SYSTEM, {
        type: 'audit_not_selected',
        applicationId: application.applicationId,
        draw,
      }),
      ...decideApplication(state, 'approved', null, receivedOn, at, SYSTEM),
    ];
  }
  state.counters.audits += 1;
  const auditId = `${state.input.credentialNumber}-c${state.input.cycle}-aud${state.counters.audits}`;
  // Document days of the day selected (the version in force); reminders as this cycle's policy says.
  const schedule = auditReminders(
    receivedOn,
    { ...state.policy, auditDocumentDays: rules.auditDocumentDays },
    state.dates.start,
    auditId,
  );
  const audit: AuditRecord = {
    auditId,
    applicationId: application.applicationId,
    state: 'AwaitingDocuments',
    selectedOn: receivedOn,
    documentsDueOn: schedule.deadlineOn,
    documents: [],
    decidedOn: null,
    reason: null,
    selectedAt: at,
    deadlineAt: schedule.deadlineAt,
  };
  state.audit = audit;
  state.forceAudit = false;
  state.application = { ...application, auditSelected: true };
  return [
    event(state, selectionKey, at, SYSTEM, {
      type: 'audit_selected',
      auditId: audit.auditId,
      applicationId: application.applicationId,
      selectedOn: receivedOn,
      documentsDueOn: audit.documentsDueOn,
      draw,
      forced,
    }),
  ];
}

export function submitAuditDocuments(
  state: CycleState,
  cmd: SubmitAuditDocuments,
  at: number,
): CredentialEvent[] {
  const audit = state.audit;
  if (!audit) return [];
  state.audit = { ...audit, state: 'UnderReview', documents: [...cmd.documents] };
  return [
    event(state, `audit:${audit.auditId}:documents`, at, cmd.submittedBy, {
      type: 'audit_documents_submitted',
      auditId: audit.auditId,
      documents: cmd.documents,
    }),
  ];
}

export function decideAudit(
  state: CycleState,
  cmd: Pick<DecideAudit, 'outcome' | 'reason' | 'decidedBy'>,
  decidedOn: CalendarDate,
  at: number,
): CredentialEvent[] {
  const audit = state.audit;
  if (!audit) return [];
  const passed = cmd.outcome === 'passed';
  const reason = cmd.reason.trim() || null;
  state.audit = { ...audit, state: passed ? 'Passed' : 'Failed', decidedOn, reason };
  if (!passed) state.forceAudit = true;
  return [
    event(state, `audit:${audit.auditId}:decided`, at, cmd.decidedBy, {
      type: 'audit_decided',
      auditId: audit.auditId,
      outcome: cmd.outcome,
      reason,
    }),
    ...decideApplication(
      state,
      passed ? 'approved' : 'denied',
      passed ? null : `Audit failed: ${reason ?? 'no reason given'}`,
      decidedOn,
      at,
      cmd.decidedBy,
    ),
  ];
}

/** When a waiting audit fails for want of documents: the deadline plus the receipt grace. */
export function auditFailsAt(audit: AuditRecord): number {
  return audit.deadlineAt + DEADLINE_GRACE_MS;
}

/** The documents deadline passed with nothing submitted: the audit fails on its own. */
export function auditDeadlinePassed(state: CycleState, today: CalendarDate, now: number): CredentialEvent[] {
  const audit = state.audit;
  if (!audit || audit.state !== 'AwaitingDocuments' || now < auditFailsAt(audit)) return [];
  return decideAudit(
    state,
    { outcome: 'failed', reason: `No documents submitted by ${audit.documentsDueOn}`, decidedBy: SYSTEM },
    today,
    now,
  );
}

/** Revocation ends an open audit and denies a pending application (used by lifecycle.revoke). */
export function endForRevocation(
  state: CycleState,
  reason: string,
  revokedOn: CalendarDate,
  at: number,
  actor: Actor,
): CredentialEvent[] {
  const audit = state.audit;
  if (audit && (audit.state === 'AwaitingDocuments' || audit.state === 'UnderReview')) {
    // An open audit ends with the credential, so ops' "waiting" lists never show revoked credentials.
    return decideAudit(
      state,
      { outcome: 'failed', reason: `Credential revoked: ${reason}`, decidedBy: actor },
      revokedOn,
      at,
    );
  }
  return decideApplication(state, 'denied', `Credential revoked: ${reason}`, revokedOn, at, actor);
}
