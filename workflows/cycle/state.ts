import {
  boundaries,
  ceuBalance,
  cycleDates,
  dateAt,
  effectivePolicy,
  petitionGrants,
  phaseOn,
  policyInForce,
  type CalendarDate,
  type CeuBalance,
  type CeuCompletion,
  type CprAedCertification,
  type CycleBoundaries,
  type CycleDates,
  type Phase,
  type Policy,
} from '../../rules';
import type {
  Actor,
  ApplicationView,
  AuditView,
  CommandOutcome,
  CredentialInput,
  CycleSnapshot,
  PetitionState,
  PreviousCycleMemory,
} from '../contract';
import type { CredentialEvent } from '../events';

// The state of one run (one cycle, or the rest of one after a mid-cycle continue-as-new), how it is
// built and how it is saved. Deterministic and free of Temporal APIs. The transitions live beside it,
// one file per part of the state: facts.ts (reports), petitions.ts, application.ts (application and
// audit), lifecycle.ts (phase, lapse, revocation, renewal, upgrade).

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

export interface Closed {
  readonly phase: 'Lapsed' | 'Revoked';
  readonly on: CalendarDate;
  readonly reason: string;
  readonly actor: Actor;
}

export interface CycleState {
  readonly input: CredentialInput;
  /** The rules this cycle runs under (pinned on its first day). */
  readonly policy: Policy;
  /** Every version a run can still need; fees and the audit rate follow the one in force on a day. */
  versions: Policy[];
  readonly dates: CycleDates;
  readonly bounds: CycleBoundaries;
  /** When the cycle's first run started: reminders due before it are skipped, never sent late. */
  readonly runStartedAt: number;
  completions: CeuCompletion[];
  cprAed: CprAedCertification[];
  petitions: PetitionState[];
  readonly consumed: readonly string[];
  application: ApplicationRecord | null;
  /** An application is being received (its audit draw is on its way): a second one must wait. */
  receiving: boolean;
  audit: AuditRecord | null;
  /** Set by a failed audit: the next application is audited whatever the draw. */
  forceAudit: boolean;
  closed: Closed | null;
  remindersSent: string[];
  /** Reminders passed over (already applied for, or due before the run started): never sent later. */
  remindersSkipped: string[];
  counters: { applications: number; petitions: number; audits: number; refusals?: number };
  /** Outcomes of accepted updates, by update id (carried across continue-as-new). */
  outcomes: CommandOutcome[];
  previous: PreviousCycleMemory | null;
  /** Ops asked to continue as new (upgrade onto the current code). */
  upgrade: { readonly requestedBy: Actor; readonly reason: string | null } | null;
}

export function createState(
  input: CredentialInput,
  policy: Policy,
  versions: readonly Policy[],
  now: number,
): CycleState {
  const dates = cycleDates(input.cycleStart, policy, input.cycle);
  const carried = input.carried;
  const resume = input.resume;
  return {
    input,
    policy,
    versions: [...versions],
    dates,
    bounds: boundaries(dates, policy),
    runStartedAt: resume?.runStartedAt ?? now,
    completions: [...(resume?.completions ?? carried?.completions ?? [])],
    cprAed: [...(resume?.cprAed ?? carried?.cprAed ?? [])],
    petitions: [...(resume?.petitions ?? carried?.petitions ?? [])],
    consumed: [...(resume?.consumed ?? carried?.consumed ?? [])],
    application: resume?.application ?? null,
    receiving: false,
    audit: resume?.audit ?? null,
    forceAudit: resume?.forceAudit ?? false,
    closed: null,
    remindersSent: [...(resume?.remindersSent ?? [])],
    remindersSkipped: [...(resume?.remindersSkipped ?? [])],
    counters: { ...(resume?.counters ?? { applications: 0, petitions: 0, audits: 0 }) },
    outcomes: [...(resume?.commandOutcomes ?? carried?.commandOutcomes ?? [])],
    previous: resume?.previous ?? carried?.previous ?? null,
    upgrade: null,
  };
}

/** The run's whole state as data: continue-as-new carries it, the database keeps it for reads. */
export function snapshotOf(state: CycleState, pendingEvents: readonly CredentialEvent[]): CycleSnapshot {
  return {
    runStartedAt: state.runStartedAt,
    completions: state.completions,
    cprAed: state.cprAed,
    petitions: state.petitions,
    consumed: state.consumed,
    application: state.application,
    audit: state.audit,
    forceAudit: state.forceAudit,
    remindersSent: state.remindersSent,
    remindersSkipped: state.remindersSkipped,
    counters: state.counters,
    commandOutcomes: state.outcomes,
    previous: state.previous,
    pendingEvents,
  };
}

// ---- Derived facts --------------------------------------------------------------------------

export function today(state: CycleState, now: number): CalendarDate {
  return dateAt(now, state.policy.timeZone);
}

/** The rules that apply on `day`: this cycle's requirement with the fees and audit of that day. */
export function rulesOn(state: CycleState, day: CalendarDate): Policy {
  return effectivePolicy(state.policy, state.versions, day);
}

/** The version in force on `day` (for its number in events and views). */
export function versionOn(state: CycleState, day: CalendarDate): Policy {
  return policyInForce(state.versions, day);
}

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
  return state.receiving || (state.application !== null && state.application.status !== 'denied');
}

export function isRenewalApproved(state: CycleState): boolean {
  return state.application?.status === 'approved';
}

export function phaseOf(state: CycleState, day: CalendarDate): Phase {
  return phaseOn(state.dates, day, {
    closed: state.closed?.phase ?? null,
    applicationLive: hasLiveApplication(state),
  });
}
