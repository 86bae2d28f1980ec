import {
  auditReminders,
  boundaries,
  ceuBalance,
  completionKey,
  compareDates,
  cycleDates,
  evaluateApplication,
  getPolicy,
  grantKey,
  isSelectedForAudit,
  isValidOn,
  nextCycleDates,
  nextCycleStart,
  petitionGrants,
  windowOn,
  type ApplicationEvaluation,
  type CalendarDate,
  type CeuBalance,
  type CeuCompletion,
  type CprAedCertification,
  type CycleBoundaries,
  type CycleDates,
  type Policy,
} from '../../rules';
import {
  SYSTEM,
  type Actor,
  type ApplicationView,
  type AuditView,
  type CarriedOver,
  type CredentialInput,
  type DecideAudit,
  type DecidePetition,
  type FilePetition,
  type PetitionState,
  type Phase,
  type ReportCeuCompletion,
  type ReportCprAed,
  type Revoke,
  type SubmitApplication,
  type SubmitAuditDocuments,
} from '../contract';
import type { CredentialEvent } from '../events';

// The credential's state within one run (one cycle) and its transitions. Deterministic and free of
// Temporal APIs: every transition takes the workflow time `now` and returns the events to record.

export interface ApplicationRecord extends ApplicationView {
  /** Post-E course keys this (late) application relies on: they must not count again next cycle. */
  readonly consumes: readonly string[];
}

export interface AuditRecord extends AuditView {
  /** Workflow time of the selection: the 'audit_selected' reminder's moment. */
  readonly selectedAt: number;
  /** End of documentsDueOn in the policy's zone: no documents by then fails the audit. */
  readonly deadlineAt: number;
}

export interface CycleState {
  readonly input: CredentialInput;
  readonly policy: Policy;
  readonly dates: CycleDates;
  readonly bounds: CycleBoundaries;
  /** Reminders due before this instant are skipped (imported mid-cycle, or renewed late). */
  readonly runStartedAt: number;
  completions: CeuCompletion[];
  cprAed: CprAedCertification[];
  petitions: PetitionState[];
  readonly consumed: readonly string[];
  application: ApplicationRecord | null;
  audit: AuditRecord | null;
  /** Set by a failed audit: the next application is audited whatever the draw. */
  forceAudit: boolean;
  closed: {
    readonly phase: 'Lapsed' | 'Revoked';
    readonly on: CalendarDate;
    readonly reason: string;
    readonly actor: Actor;
  } | null;
  remindersSent: string[];
  /** Reminders passed over (already applied for, or due before the run started): never sent later. */
  remindersSkipped: string[];
  counters: { applications: number; petitions: number; audits: number };
}

export type Event = CredentialEvent;
type EventBody = Event extends infer E ? (E extends Event ? Omit<E, keyof EventFields> : never) : never;
interface EventFields {
  key: string;
  credentialNumber: string;
  cycle: number;
  at: number;
  actor: Actor;
}

export function initialState(input: CredentialInput, now: number): CycleState {
  const policy = getPolicy(input.policyId);
  const dates = cycleDates(input.cycleStart, policy, input.cycle);
  const carried = input.carried;
  return {
    input,
    policy,
    dates,
    bounds: boundaries(dates, policy),
    runStartedAt: now,
    completions: [...(carried?.completions ?? [])],
    cprAed: [...(carried?.cprAed ?? [])],
    petitions: [...(carried?.petitions ?? [])],
    consumed: [...(carried?.consumed ?? [])],
    application: null,
    audit: null,
    forceAudit: false,
    closed: null,
    remindersSent: [],
    remindersSkipped: [],
    counters: { applications: 0, petitions: 0, audits: 0 },
  };
}

function event(state: CycleState, key: string, now: number, actor: Actor, body: EventBody): Event {
  const { credentialNumber, cycle } = state.input;
  return { key: `${credentialNumber}:${key}`, credentialNumber, cycle, at: now, actor, ...body } as Event;
}

function cycleKey(state: CycleState, what: string): string {
  return `c${state.input.cycle}:${what}`;
}

// ---- Derived facts --------------------------------------------------------------------------

export function balanceOn(state: CycleState, asOf: CalendarDate): CeuBalance {
  return ceuBalance({
    dates: state.dates,
    policy: state.policy,
    asOf,
    completions: state.completions,
    grants: petitionGrants(state.petitions),
    cprAed: state.cprAed,
    consumed: state.consumed,
  });
}

/** An application received and not denied: it holds the lapse and silences renewal reminders. */
export function hasLiveApplication(state: CycleState): boolean {
  return state.application !== null && state.application.status !== 'denied';
}

export function isRenewalApproved(state: CycleState): boolean {
  return state.application?.status === 'approved';
}

/**
 * Phase on `today`. The phase follows the dates, except that an application received before the
 * lapse date keeps the credential in reinstatement until it is decided.
 */
export function phaseOn(state: CycleState, today: CalendarDate): Phase {
  if (state.closed) return state.closed.phase;
  switch (windowOn(state.dates, today)) {
    case 'in_cycle':
      return 'Active';
    case 'late':
      return 'ExpiredLate';
    case 'reinstatement':
      return 'ExpiredReinstatement';
    case 'lapsed':
      return hasLiveApplication(state) ? 'ExpiredReinstatement' : 'Lapsed';
  }
}

export function evaluate(
  state: CycleState,
  cmd: SubmitApplication,
  receivedOn: CalendarDate,
): ApplicationEvaluation {
  return evaluateApplication({
    dates: state.dates,
    policy: state.policy,
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

// ---- Cycle boundaries -----------------------------------------------------------------------

export function cycleStarted(state: CycleState, now: number, workflowId: string, phase: Phase): Event {
  return event(state, cycleKey(state, 'cycle_started'), now, SYSTEM, {
    type: 'cycle_started',
    policyId: state.policy.id,
    workflowId,
    certifiedOn: state.input.certifiedOn,
    dates: state.dates,
    phase,
  });
}

export function phaseChanged(state: CycleState, now: number, from: Phase, to: Phase, actor: Actor): Event {
  return event(state, cycleKey(state, `phase:${to}`), now, actor, { type: 'phase_changed', from, to });
}

export function lapse(state: CycleState, today: CalendarDate, now: number): Event[] {
  state.closed = {
    phase: 'Lapsed',
    on: today,
    reason: `Not renewed before ${state.dates.lapseDate}`,
    actor: SYSTEM,
  };
  return [
    event(state, cycleKey(state, 'lapsed'), now, SYSTEM, { type: 'lapsed', reason: state.closed.reason }),
  ];
}

/**
 * Events for the facts a run starts with. Keys are those of the original reports, so facts already
 * recorded by an earlier cycle change nothing; an import's opening balance is recorded here.
 */
export function carriedFacts(state: CycleState, now: number): Event[] {
  return [
    ...state.completions.map((completion) =>
      event(state, `ceu:${completionKey(completion)}`, now, SYSTEM, {
        type: 'ceu_completion_reported',
        completion,
      }),
    ),
    ...state.cprAed.map((certification) =>
      event(state, `cpr:${certification.certificationId}`, now, SYSTEM, {
        type: 'cpr_aed_reported',
        certification,
      }),
    ),
  ];
}

// ---- Facts reported by services (signals) ---------------------------------------------------

/** Idempotent on provider + completionId: a repeat returns no event and changes nothing. */
export function reportCompletion(state: CycleState, report: ReportCeuCompletion, now: number): Event[] {
  const key = completionKey(report);
  if (state.closed || state.completions.some((c) => completionKey(c) === key)) return [];
  const { reportedBy, ...completion } = report;
  state.completions.push(completion);
  return [event(state, `ceu:${key}`, now, reportedBy, { type: 'ceu_completion_reported', completion })];
}

/** Idempotent on certificationId. */
export function reportCprAed(state: CycleState, report: ReportCprAed, now: number): Event[] {
  const id = report.certificationId;
  if (state.closed || state.cprAed.some((c) => c.certificationId === id)) return [];
  const { reportedBy, ...certification } = report;
  state.cprAed.push(certification);
  return [event(state, `cpr:${id}`, now, reportedBy, { type: 'cpr_aed_reported', certification })];
}

// ---- Petitions ------------------------------------------------------------------------------

export function filePetition(
  state: CycleState,
  cmd: FilePetition,
  receivedOn: CalendarDate,
  now: number,
  fee: PetitionState['fee'],
): { petition: PetitionState; events: Event[] } {
  state.counters.petitions += 1;
  const petition: PetitionState = {
    petitionId: `${state.input.credentialNumber}-c${state.input.cycle}-pet${state.counters.petitions}`,
    course: cmd.course,
    provider: cmd.provider ?? null,
    requestedUnits: cmd.requestedUnits,
    completedOn: cmd.completedOn,
    fee,
    paymentReference: cmd.paymentReference,
    filedOn: receivedOn,
    status: 'pending',
    grantedUnits: null,
    reason: null,
    decidedOn: null,
  };
  state.petitions.push(petition);
  return {
    petition,
    events: [
      event(state, `petition:${petition.petitionId}:filed`, now, cmd.filedBy, {
        type: 'petition_filed',
        petition,
        amountPaid: cmd.amountPaid,
      }),
    ],
  };
}

export function decidePetition(
  state: CycleState,
  cmd: DecidePetition,
  today: CalendarDate,
  now: number,
): { petition: PetitionState; events: Event[] } {
  const index = state.petitions.findIndex((p) => p.petitionId === cmd.petitionId);
  const current = state.petitions[index];
  if (!current) throw new Error(`Petition ${cmd.petitionId} vanished between validation and handling`);
  const approved = cmd.decision === 'approved';
  const petition: PetitionState = {
    ...current,
    status: cmd.decision,
    grantedUnits: approved ? (cmd.grantedUnits ?? current.requestedUnits) : null,
    reason: cmd.reason?.trim() || null,
    decidedOn: today,
  };
  state.petitions[index] = petition;
  return {
    petition,
    events: [
      event(state, `petition:${petition.petitionId}:decided`, now, cmd.decidedBy, {
        type: 'petition_decided',
        petition,
        reason: petition.reason,
      }),
    ],
  };
}

// ---- Application and audit ------------------------------------------------------------------

export function receiveApplication(
  state: CycleState,
  cmd: SubmitApplication,
  evaluation: ApplicationEvaluation,
  receivedOn: CalendarDate,
  now: number,
): Event[] {
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
    event(state, `application:${application.applicationId}:received`, now, cmd.submittedBy, {
      type: 'application_received',
      applicationId: application.applicationId,
      receivedOn,
      paymentReference: cmd.paymentReference,
      amountPaid: cmd.amountPaid,
      fee: evaluation.quote,
      balance: evaluation.balance,
    }),
  ];
}

function decideApplication(
  state: CycleState,
  outcome: 'approved' | 'denied',
  reason: string | null,
  today: CalendarDate,
  now: number,
  actor: Actor,
): Event[] {
  const application = state.application;
  if (!application || application.status !== 'pending') return [];
  state.application = { ...application, status: outcome, decidedOn: today, reason };
  return [
    event(state, `application:${application.applicationId}:decided`, now, actor, {
      type: 'application_decided',
      applicationId: application.applicationId,
      outcome,
      charged: outcome === 'approved' ? application.fee.lines : [],
      ...(outcome === 'approved' ? { consumes: application.consumes } : {}),
      reason,
    }),
  ];
}

/** The recorded draw decides; a re-application after a failed audit is always audited. */
export function applyAuditDraw(state: CycleState, draw: number, today: CalendarDate, now: number): Event[] {
  const application = state.application;
  if (!application || application.status !== 'pending') return [];
  const forced = state.forceAudit;
  const selectionKey = `application:${application.applicationId}:audit_selection`;
  if (!isSelectedForAudit(draw, state.policy, forced)) {
    return [
      event(state, selectionKey, now, SYSTEM, {
        type: 'audit_not_selected',
        applicationId: application.applicationId,
        draw,
      }),
      ...decideApplication(state, 'approved', null, today, now, SYSTEM),
    ];
  }
  state.counters.audits += 1;
  const auditId = `${state.input.credentialNumber}-c${state.input.cycle}-aud${state.counters.audits}`;
  const schedule = auditReminders(today, state.policy, state.dates.start, auditId);
  const audit: AuditRecord = {
    auditId,
    applicationId: application.applicationId,
    state: 'AwaitingDocuments',
    selectedOn: today,
    documentsDueOn: schedule.deadlineOn,
    documents: [],
    decidedOn: null,
    reason: null,
    selectedAt: now,
    deadlineAt: schedule.deadlineAt,
  };
  state.audit = audit;
  state.forceAudit = false;
  state.application = { ...application, auditSelected: true };
  return [
    event(state, selectionKey, now, SYSTEM, {
      type: 'audit_selected',
      auditId: audit.auditId,
      applicationId: application.applicationId,
      selectedOn: today,
      documentsDueOn: audit.documentsDueOn,
      draw,
      forced,
    }),
  ];
}

export function submitAuditDocuments(state: CycleState, cmd: SubmitAuditDocuments, now: number): Event[] {
  const audit = state.audit;
  if (!audit) return [];
  state.audit = { ...audit, state: 'UnderReview', documents: [...cmd.documents] };
  return [
    event(state, `audit:${audit.auditId}:documents`, now, cmd.submittedBy, {
      type: 'audit_documents_submitted',
      auditId: audit.auditId,
      documents: cmd.documents,
    }),
  ];
}

export function decideAudit(state: CycleState, cmd: DecideAudit, today: CalendarDate, now: number): Event[] {
  const audit = state.audit;
  if (!audit) return [];
  const passed = cmd.outcome === 'passed';
  const reason = cmd.reason.trim() || null;
  state.audit = { ...audit, state: passed ? 'Passed' : 'Failed', decidedOn: today, reason };
  if (!passed) state.forceAudit = true;
  return [
    event(state, `audit:${audit.auditId}:decided`, now, cmd.decidedBy, {
      type: 'audit_decided',
      auditId: audit.auditId,
      outcome: cmd.outcome,
      reason,
    }),
    ...decideApplication(
      state,
      passed ? 'approved' : 'denied',
      passed ? null : `Audit failed: ${reason ?? 'no reason given'}`,
      today,
      now,
      cmd.decidedBy,
    ),
  ];
}

/** The documents deadline passed with nothing submitted: the audit fails on its own. */
export function auditDeadlinePassed(state: CycleState, today: CalendarDate, now: number): Event[] {
  const audit = state.audit;
  if (!audit || audit.state !== 'AwaitingDocuments' || now < audit.deadlineAt) return [];
  return decideAudit(
    state,
    {
      outcome: 'failed',
      reason: `No documents submitted by ${audit.documentsDueOn}`,
      decidedBy: SYSTEM,
    },
    today,
    now,
  );
}

export function revoke(state: CycleState, cmd: Revoke, today: CalendarDate, now: number): Event[] {
  const reason = cmd.reason.trim();
  // An open audit ends with the credential, so ops' "waiting" lists never show revoked credentials.
  const audit = state.audit;
  if (audit && (audit.state === 'AwaitingDocuments' || audit.state === 'UnderReview')) {
    return [
      ...decideAudit(
        state,
        { outcome: 'failed', reason: `Credential revoked: ${reason}`, decidedBy: cmd.revokedBy },
        today,
        now,
      ),
      ...closeAsRevoked(state, reason, today, now, cmd.revokedBy),
    ];
  }
  const denied = decideApplication(
    state,
    'denied',
    `Credential revoked: ${reason}`,
    today,
    now,
    cmd.revokedBy,
  );
  return [...denied, ...closeAsRevoked(state, reason, today, now, cmd.revokedBy)];
}

function closeAsRevoked(
  state: CycleState,
  reason: string,
  today: CalendarDate,
  now: number,
  actor: Actor,
): Event[] {
  state.closed = { phase: 'Revoked', on: today, reason, actor };
  return [event(state, cycleKey(state, 'revoked'), now, actor, { type: 'revoked', reason })];
}

// ---- Renewal --------------------------------------------------------------------------------

export interface NextCycle {
  readonly input: CredentialInput;
  readonly event: Event;
}

/**
 * The next run's input: only what the next cycle needs. Completions and approved petition grants
 * dated from the next start on (minus those the late renewal consumed), CPR/AED still valid then,
 * every pending petition. Surplus CEUs dated in this cycle do not carry.
 */
export function nextCycle(state: CycleState, now: number): NextCycle {
  const start = nextCycleStart(state.dates);
  const consumed = new Set(state.application?.consumes ?? []);
  const inNext = (d: CalendarDate) => compareDates(d, start) >= 0;
  const carried: CarriedOver = {
    completions: state.completions.filter((c) => inNext(c.completedOn) && !consumed.has(completionKey(c))),
    consumed: [...consumed],
    cprAed: state.cprAed.filter((c) => isValidOn(c, start) || compareDates(c.issuedOn, start) > 0),
    // Every pending petition (its fee is paid and ops must still be able to decide it); approved
    // ones only where their course counts in the next cycle.
    petitions: state.petitions.filter(
      (p) =>
        p.status === 'pending' ||
        (p.status === 'approved' && inNext(p.completedOn) && !consumed.has(grantKey(p.petitionId))),
    ),
  };
  const input: CredentialInput = {
    credentialNumber: state.input.credentialNumber,
    policyId: state.input.policyId,
    certifiedOn: state.input.certifiedOn,
    cycle: state.input.cycle + 1,
    cycleStart: start,
    carried,
  };
  return {
    input,
    event: event(state, cycleKey(state, 'renewed'), now, SYSTEM, {
      type: 'renewed',
      nextCycle: input.cycle,
      nextDates: nextCycleDates(state.dates, state.policy),
    }),
  };
}
