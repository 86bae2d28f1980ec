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
  Rejection,
} from '../rules/types';

// The messages every client of a credential workflow uses: the API, the worker, tests.
// Changing a shape here is changing a contract with running workflows: add optional fields only.

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
}

// ---------------------------------------------------------------------------------------------
// Signals: facts reported by backend services, fire-and-forget and idempotent.

export interface ReportCeuCompletion extends CeuCompletion {
  readonly reportedBy: Actor;
}
/** Idempotent on provider + completionId: a repeat is ignored. */
export const reportCeuCompletion = defineSignal<[ReportCeuCompletion]>('reportCeuCompletion');

export interface ReportCprAed extends CprAedCertification {
  readonly reportedBy: Actor;
}
/** Idempotent on certificationId. */
export const reportCprAed = defineSignal<[ReportCprAed]>('reportCprAed');

// ---------------------------------------------------------------------------------------------
// Updates: commands with an answer. Each has a validator; a rejected command leaves no trace in the
// workflow history and fails with an ApplicationFailure of type COMMAND_REJECTED whose details[0]
// is `readonly Rejection[]` (every reason, in words a person can act on).

export const COMMAND_REJECTED = 'CommandRejected';

export interface FilePetition {
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

export interface DecidePetition {
  readonly petitionId: string;
  readonly decision: 'approved' | 'denied';
  /** Approved: up to the requested units (defaults to all of them). */
  readonly grantedUnits?: CeuHundredths;
  /** Required when denied. */
  readonly reason?: string;
  readonly decidedBy: Actor;
}
export const decidePetition = defineUpdate<PetitionState, [DecidePetition]>('decidePetition');

export interface SubmitApplication {
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
export interface SubmitAuditDocuments {
  readonly documents: readonly AuditDocument[];
  readonly submittedBy: Actor;
}
export const submitAuditDocuments = defineUpdate<AuditView, [SubmitAuditDocuments]>('submitAuditDocuments');

export interface DecideAudit {
  readonly outcome: 'passed' | 'failed';
  readonly reason: string;
  readonly decidedBy: Actor;
}
export const decideAudit = defineUpdate<AuditView, [DecideAudit]>('decideAudit');

export interface Revoke {
  readonly reason: string;
  readonly revokedBy: Actor;
}
export const revoke = defineUpdate<CredentialView, [Revoke]>('revoke');

// ---------------------------------------------------------------------------------------------
// The query: everything ops and the portal see.

/** Search attribute values (keywords) as well as the query's phase. */
export type Phase = 'Active' | 'ExpiredLate' | 'ExpiredReinstatement' | 'Lapsed' | 'Revoked';
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
