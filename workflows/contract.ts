import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CalendarDate,
  CeuBalance,
  CeuCompletion,
  Cents,
  CeuHundredths,
  CprAedCertification,
  CycleDates,
  FeeLine,
  FeeQuote,
  Phase,
  Policy,
  Rejection,
} from '../rules/types';
import type { CredentialEvent } from './events';

// The messages every client of a credential workflow uses: the API, the worker, tests, and ops in the
// Temporal UI. Changing a shape here is changing a contract with running workflows: add optional
// fields only. Every payload is parsed by the workflow (workflows/messages.ts) before it is used.
//
// Units inside the contract: CEUs in whole hundredths (50 = 0.50 CEUs), money in whole cents
// (9900 = $99.00), dates as YYYY-MM-DD in the policy's time zone, instants as ISO 8601.
// `receivedAt` (optional on every command) is the instant the API received it: see rules/receipt.ts.

export const CREDENTIAL_WORKFLOW_TYPE = 'credential';

export function credentialWorkflowId(credentialNumber: string): string {
  return `credential-${credentialNumber}`;
}

/** Who sent a command: an API key's id and role, or the workflow itself. Never a person's name. */
export interface Actor {
  readonly kind: 'service' | 'portal' | 'ops' | 'system';
  readonly id: string;
}

export const SYSTEM: Actor = { kind: 'system', id: 'workflow' };

// ---------------------------------------------------------------------------------------------
// Input, carried from one cycle to the next by continue-as-new.

export interface PetitionState {
  readonly petitionId: string;
  readonly course: string;
  readonly provider: string | null;
  readonly requestedUnits: CeuHundredths;
  readonly completedOn: CalendarDate;
  readonly fee: FeeLine;
  readonly paymentReference: string;
  readonly filedOn: CalendarDate;
  readonly status: 'pending' | 'approved' | 'denied';
  readonly grantedUnits: CeuHundredths | null;
  readonly reason: string | null;
  readonly decidedOn: CalendarDate | null;
}

/** An update's outcome, remembered by its id so a retry after continue-as-new gets the same answer. */
export interface CommandOutcome {
  /** The Temporal update id (the API sends `<update name>:<Idempotency-Key>`). */
  readonly updateId: string;
  readonly result: unknown;
  /** Workflow time it was accepted (epoch ms): outcomes are kept for COMMAND_MEMORY_MS at least. */
  readonly at: number;
}

/** What the previous cycle's run remembers, so a retry of its reports and petitions is still a repeat. */
export interface PreviousCycleMemory {
  readonly completions: readonly CeuCompletion[];
  readonly cprAed: readonly CprAedCertification[];
  readonly paymentReferences: readonly string[];
  /** The previous cycle's dates, to answer "that cycle has already renewed". */
  readonly dates: CycleDates;
}

/** What a cycle hands to the next one: only what the next cycle needs. */
export interface CarriedOver {
  /** Completions dated in the next cycle's dates (completed after E, not consumed by a late renewal). */
  readonly completions: readonly CeuCompletion[];
  /** Keys of post-E courses the late renewal relied on: they do not count again. */
  readonly consumed: readonly string[];
  /** CPR/AED certifications still valid on the next cycle's start. */
  readonly cprAed: readonly CprAedCertification[];
  /** Every pending petition (ops can still decide it); approved, unconsumed ones whose course is in the next cycle. */
  readonly petitions: readonly PetitionState[];
  /** Outcomes of the updates accepted by the previous run (idempotency across renewal). */
  readonly commandOutcomes?: readonly CommandOutcome[];
  readonly previous?: PreviousCycleMemory;
  /** Events the previous run produced and had not recorded yet: recorded first by the next run. */
  readonly pendingEvents?: readonly CredentialEvent[];
}

/** The whole state of a run, to continue as new in the middle of a cycle (upgrade, long history). */
export interface CycleSnapshot {
  /** When the cycle's first run started: reminders due before it were skipped, never sent late. */
  readonly runStartedAt: number;
  readonly completions: readonly CeuCompletion[];
  readonly cprAed: readonly CprAedCertification[];
  readonly petitions: readonly PetitionState[];
  readonly consumed: readonly string[];
  readonly application: (ApplicationView & { readonly consumes: readonly string[] }) | null;
  readonly audit: (AuditView & { readonly selectedAt: number; readonly deadlineAt: number }) | null;
  readonly forceAudit: boolean;
  readonly remindersSent: readonly string[];
  readonly remindersSkipped: readonly string[];
  readonly counters: {
    readonly applications: number;
    readonly petitions: number;
    readonly audits: number;
    readonly refusals?: number;
  };
  readonly commandOutcomes: readonly CommandOutcome[];
  readonly previous: PreviousCycleMemory | null;
  readonly pendingEvents: readonly CredentialEvent[];
}

export interface CredentialInput {
  readonly credentialNumber: string;
  readonly policyId: string;
  /** Original certification date; kept across renewals so enrolment stays idempotent. */
  readonly certifiedOn: CalendarDate;
  /** 1 for the certification cycle, +1 per renewal. */
  readonly cycle: number;
  readonly cycleStart: CalendarDate;
  readonly carried?: CarriedOver;
  /**
   * The rules this cycle runs under: the version in force on its first day. Runs started before
   * policies were versioned have none (workflows/v1). When absent on a new run, the workflow loads
   * the versions from the database (an activity, recorded in its history).
   */
  readonly policy?: Policy;
  /** The versions of the policy a run can still need (fees and audit rate by the day received). */
  readonly policyVersions?: readonly Policy[];
  /** Continuing a cycle in a new run (mid-cycle continue-as-new): its whole state. */
  readonly resume?: CycleSnapshot;
  /** History length after which the run continues as new by itself (default 10,000 events). */
  readonly continueAsNewAfterEvents?: number;
  /**
   * Set by every starter in this codebase (workflows/start.ts): the run records by sink from its
   * first task without asking `patched()`. Runs without it (started before, or by a client talking
   * to Temporal directly) ask the patch, as they always did.
   */
  readonly recordsBySink?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Signals: facts reported by backend services, fire-and-forget and idempotent.

/** Optional on every command: the instant the API received it (ISO 8601). */
interface Received {
  readonly receivedAt?: string;
}

export interface ReportCeuCompletion extends CeuCompletion, Received {
  readonly reportedBy: Actor;
}
/** Idempotent on provider + completionId: a repeat is ignored, a correction is refused and recorded. */
export const reportCeuCompletion = defineSignal<[ReportCeuCompletion]>('reportCeuCompletion');

export interface ReportCprAed extends CprAedCertification, Received {
  readonly reportedBy: Actor;
}
/** Idempotent on certificationId. */
export const reportCprAed = defineSignal<[ReportCprAed]>('reportCprAed');

/** A new version of the credential's policy (fanned out by the service when ops add one). */
export const publishPolicyVersion = defineSignal<[Policy]>('publishPolicyVersion');

export interface UpgradeRequest {
  readonly requestedBy: Actor;
  readonly reason?: string;
}
/** Continue as new now with the whole state: moves the credential onto the worker's current code. */
export const upgrade = defineSignal<[UpgradeRequest]>('upgrade');

export interface RecordingFailed {
  /** The run's batch the worker could not write (1 is the run's first batch sent by sink). */
  readonly batch: number;
}
/**
 * Sent by the worker when PostgreSQL did not take a batch it was recording for this run: the run
 * records that batch again, and all after it, by its local and durable activities.
 */
export const recordingFailed = defineSignal<[RecordingFailed]>('recordingFailed');

// ---------------------------------------------------------------------------------------------
// Updates: commands with an answer. Each has a validator; a rejected command leaves no trace in the
// workflow history and fails with an ApplicationFailure of type COMMAND_REJECTED whose details[0]
// is `readonly Rejection[]` (every reason, in words a person can act on).

export const COMMAND_REJECTED = 'CommandRejected';

export interface FilePetition extends Received {
  readonly course: string;
  readonly provider?: string | null;
  readonly requestedUnits: CeuHundredths;
  readonly completedOn: CalendarDate;
  readonly paymentReference: string;
  readonly amountPaid: Cents;
  readonly filedBy: Actor;
}
export interface PetitionFiled {
  readonly petitionId: string;
  readonly fee: FeeLine;
}
export const filePetition = defineUpdate<PetitionFiled, [FilePetition]>('filePetition');

export interface DecidePetition extends Received {
  readonly petitionId: string;
  readonly decision: 'approved' | 'denied';
  /** Approved: up to the requested units (defaults to all of them). */
  readonly grantedUnits?: CeuHundredths;
  /** Required when denied. */
  readonly reason?: string;
  readonly decidedBy: Actor;
}
/** A decision's answer: the petition, and whether its CEUs can count in an open cycle. */
export interface PetitionDecided extends PetitionState {
  /** Approved, but its course lies in a cycle that has already renewed: the CEUs count nowhere (the fee stays paid). */
  readonly note?: string | null;
}
export const decidePetition = defineUpdate<PetitionDecided, [DecidePetition]>('decidePetition');

export interface SubmitApplication extends Received {
  readonly paymentReference: string;
  readonly amountPaid: Cents;
  readonly submittedBy: Actor;
}
export interface ApplicationAccepted {
  readonly applicationId: string;
  readonly receivedOn: CalendarDate;
  /** The fee due on the day received, which is what is charged. */
  readonly fee: Extract<FeeQuote, { accepted: true }>;
  readonly auditSelected: boolean;
  /** Set when selected: documents are due by the end of this day. */
  readonly auditDocumentsDueOn: CalendarDate | null;
}
export const submitApplication = defineUpdate<ApplicationAccepted, [SubmitApplication]>('submitApplication');

export interface AuditDocument {
  /** A reference to where the document is stored (never the file body). */
  readonly reference: string;
  readonly description: string;
}
export interface SubmitAuditDocuments extends Received {
  readonly documents: readonly AuditDocument[];
  readonly submittedBy: Actor;
}
export const submitAuditDocuments = defineUpdate<AuditView, [SubmitAuditDocuments]>('submitAuditDocuments');

export interface DecideAudit extends Received {
  readonly outcome: 'passed' | 'failed';
  readonly reason: string;
  readonly decidedBy: Actor;
}
export const decideAudit = defineUpdate<AuditView, [DecideAudit]>('decideAudit');

export interface Revoke extends Received {
  readonly reason: string;
  readonly revokedBy: Actor;
}
export const revoke = defineUpdate<CredentialView, [Revoke]>('revoke');

// ---------------------------------------------------------------------------------------------
// The query: everything ops and the portal see.

export type { Phase };
export type AuditStateName = 'None' | 'AwaitingDocuments' | 'UnderReview' | 'Passed' | 'Failed';

export interface AuditView {
  readonly auditId: string;
  readonly applicationId: string;
  readonly state: Exclude<AuditStateName, 'None'>;
  readonly selectedOn: CalendarDate;
  readonly documentsDueOn: CalendarDate;
  readonly documents: readonly AuditDocument[];
  readonly decidedOn: CalendarDate | null;
  readonly reason: string | null;
}

export interface ApplicationView {
  readonly applicationId: string;
  readonly receivedOn: CalendarDate;
  readonly paymentReference: string;
  readonly amountPaid: Cents;
  readonly fee: Extract<FeeQuote, { accepted: true }>;
  readonly status: 'pending' | 'approved' | 'denied';
  readonly auditSelected: boolean;
  readonly decidedOn: CalendarDate | null;
  readonly reason: string | null;
}

export interface CredentialView {
  readonly credentialNumber: string;
  readonly policyId: string;
  readonly certifiedOn: CalendarDate;
  readonly cycle: number;
  readonly phase: Phase;
  /** Today in the policy's time zone, by workflow time. */
  readonly today: CalendarDate;
  readonly dates: CycleDates;
  readonly lastApplicationDay: CalendarDate;
  /** The next instant the workflow will act on by itself (ISO 8601), or null when closed. */
  readonly nextDeadline: { readonly what: string; readonly at: string } | null;
  readonly ceus: CeuBalance;
  readonly completions: readonly CeuCompletion[];
  readonly cprAed: readonly CprAedCertification[];
  readonly petitions: readonly PetitionState[];
  /** The pending application, else the last decided one in this cycle. */
  readonly application: ApplicationView | null;
  readonly audit: AuditView | null;
  readonly auditState: AuditStateName;
  /** Today's fee for an application (accepted: false once lapsed). */
  readonly feeQuote: FeeQuote;
  /** Plain words, as in the Temporal UI's current details. */
  readonly summary: string;
  readonly remindersSent: readonly string[];
  /** The policy version the cycle runs under (absent in views of first-release runs). */
  readonly policyVersion?: number;
  /** The CEU requirement is met for a renewal on the expiration date (after it: today); see view.ts. */
  readonly requirementMet?: boolean;
}

export const getState = defineQuery<CredentialView>('getState');

/** What a run returns when it closes without continuing as new. */
export interface CredentialOutcome {
  readonly credentialNumber: string;
  readonly cycle: number;
  readonly phase: 'Lapsed' | 'Revoked';
  readonly closedOn: CalendarDate;
}

export type { Rejection };
