import type {
  CalendarDate,
  Cents,
  CeuCompletion,
  CeuHundredths,
  CprAedCertification,
  FeeLine,
  Policy,
  ReminderChannel,
} from '../rules/types';
import type { Actor, AuditStateName, CycleSnapshot, Phase } from '../workflows/contract';
import type { CredentialEvent, EventBatch, ReminderRequest } from '../workflows/events';
import type { CredentialRead } from './credential-read';
import type { ProjectionReport } from './record-events';
import type { ReportOutcomeFeedFilter } from './report-outcomes';

export type { ProjectionReport };
export type { ParkedEvent } from './dead-letters';
export type { ReportOutcomeFeedFilter };

// The data layer's interface, implemented with Prisma in ./repository.ts. The API reads through it;
// activities write through it. Rows come back as plain objects with calendar dates as strings.

export interface Holder {
  readonly name: string;
  readonly email: string;
}

export interface CredentialSummary {
  readonly number: string;
  readonly policyId: string;
  readonly certifiedOn: CalendarDate;
  readonly cycle: number;
  readonly cycleStart: CalendarDate;
  readonly expiresOn: CalendarDate;
  readonly lateWindowEndsOn: CalendarDate;
  readonly lapsesOn: CalendarDate;
  readonly phase: Phase;
  readonly auditState: AuditStateName;
  readonly ceusEarned: CeuHundredths;
  readonly updatedAt: string;
  /** How the credential's workflow stands (optional: added after the interface was agreed). */
  readonly workflowStatus?: WorkflowStatus;
}

export interface CredentialRecords {
  readonly credential: CredentialSummary;
  readonly ceuRecords: readonly {
    provider: string;
    completionId: string;
    course: string;
    units: CeuHundredths;
    completedOn: CalendarDate;
    approved: boolean;
    cycle: number;
  }[];
  readonly cprAed: readonly {
    certificationId: string;
    issuedOn: CalendarDate;
    expiresOn: CalendarDate;
    handsOn: boolean;
  }[];
  readonly petitions: readonly {
    petitionId: string;
    course: string;
    status: string;
    requestedUnits: CeuHundredths;
    grantedUnits: CeuHundredths | null;
  }[];
  readonly applications: readonly {
    applicationId: string;
    receivedOn: CalendarDate;
    status: string;
    amountPaid: Cents;
    feeTotal: Cents;
    paymentReference: string;
    /** The fee lines quoted on the day received (optional: added after the interface was agreed). */
    feeLines?: readonly FeeLine[];
  }[];
  readonly audits: readonly {
    auditId: string;
    applicationId: string;
    state: string;
    documentsDueOn: CalendarDate;
    documents: readonly { reference: string; description: string }[];
  }[];
  /** `reference` is the charge's source (`petition:<id>`, `application:<id>`); label and paymentReference are optional additions. */
  readonly ledger: readonly {
    code: string;
    amount: Cents;
    reference: string;
    on: CalendarDate;
    label?: string;
    paymentReference?: string;
  }[];
  readonly remindersSent: readonly { key: string; kind: string; on: CalendarDate }[];
}

/** Who acted, and for an API key the label ops gave it (null for the workflow, or a deleted key). */
export interface HistoryActor extends Actor {
  readonly label: string | null;
}

export interface HistoryEntry {
  readonly type: string;
  readonly actor: HistoryActor;
  readonly reason: string | null;
  readonly data: unknown;
  readonly occurredAt: string;
  /** `accepted` facts from the workflow; `rejected` commands recorded by the API. */
  readonly outcome: 'accepted' | 'rejected';
}

export interface ListFilter {
  readonly phase?: Phase;
  /** Credentials whose current cycle expires strictly before this date. */
  readonly expiringBefore?: CalendarDate;
  readonly auditState?: AuditStateName;
  readonly limit: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export type ApiRole = 'service' | 'portal' | 'ops';

/** How a credential's workflow stands: closed normally (lapsed, revoked) is completed. */
export type WorkflowStatus =
  | 'running'
  | 'completed'
  | 'continued'
  | 'terminated'
  | 'failed'
  | 'cancelled'
  | 'timed_out';

/** The credential as its latest batch of events left it, without asking the workflow. */
export interface CredentialState {
  readonly number: string;
  readonly policyId: string;
  readonly policyVersion: number;
  readonly cycle: number;
  readonly phase: Phase;
  readonly workflowStatus: WorkflowStatus;
  /** The run's state after its latest batch (null before the versioned engine recorded one). */
  readonly snapshot: CycleSnapshot | null;
  readonly updatedAt: string;
}

export type ReportKind = 'ceu' | 'cpr_aed';

/** What became of a reported course (`ceu`, source = provider) or CPR/AED certification (`cpr_aed`). */
export interface ReportOutcomeRecord {
  readonly credentialNumber: string;
  readonly kind: ReportKind;
  readonly source: string;
  /** The completion id or certification id. */
  readonly externalId: string;
  readonly outcome: 'counted' | 'not_counted' | 'refused';
  /** The ExclusionReason (not_counted) or the first RejectionCode (refused). */
  readonly reasonCode: string | null;
  readonly message: string | null;
  readonly reportedBy: Actor;
  readonly eventKey: string;
  /** Bumped on every change: a reporter's cursor (decimal string: it is a bigint). */
  readonly seq: string;
  readonly updatedAt: string;
}

export interface ReportOutcomePage {
  readonly items: readonly ReportOutcomeRecord[];
  /** The seq to pass as `afterSeq` for the next page; null when this page was the last. */
  readonly nextCursor: string | null;
}

/** The facts a report recorded (the first one: a conflicting correction never replaces them). */
export type RecordedReport =
  | (CeuCompletion & { readonly kind: 'ceu' })
  | (CprAedCertification & { readonly kind: 'cpr_aed' });
/** What identifies a command sent with an Idempotency-Key. */
export interface CommandReceiptKey {
  readonly credentialNumber: string;
  /** The API operation (operationId). */
  readonly operation: string;
  readonly idempotencyKey: string;
}

/** The first final outcome of a command, as the API answered it. */
export interface CommandReceipt {
  /** SHA-256 (hex) of the request's parameters and parsed body. */
  readonly requestHash: string;
  readonly status: number;
  readonly response: { readonly headers: Readonly<Record<string, string>>; readonly body: unknown };
  /** ISO 8601. */
  readonly createdAt: string;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly role: ApiRole;
  readonly label: string;
}

export interface Repository {
  /** Enrolment: stores the holder's personal data (the only place it lives); the first one stays. */
  saveHolder(credentialNumber: string, holder: Holder): Promise<void>;
  findHolder(credentialNumber: string): Promise<Holder | null>;
  /**
   * Projects the events of one workflow task in order (idempotent on each key) and stores the batch's
   * snapshot; events that can never be written are parked, an outage throws.
   */
  recordEvents(batch: EventBatch): Promise<ProjectionReport>;
  /** One event of the first release (workflows/v1): recordEvents plus the legacy ceus_earned refresh. */
  recordEvent(event: CredentialEvent): Promise<ProjectionReport>;
  /**
   * Records a reminder and queues its delivery on each channel (one transaction); returns false
   * when the key was already recorded.
   */
  recordReminder(
    request: ReminderRequest,
    at: number,
    channels?: readonly ReminderChannel[],
  ): Promise<boolean>;
  /** A command the workflow refused (never reached its history), for the event history. */
  recordRejectedCommand(entry: {
    credentialNumber: string;
    type: string;
    actor: Actor;
    reasons: readonly { code: string; message: string }[];
    data: unknown;
    at: number;
  }): Promise<void>;

  findCredential(number: string): Promise<CredentialSummary | null>;
  findRecords(number: string): Promise<CredentialRecords | null>;
  history(number: string): Promise<readonly HistoryEntry[]>;
  listCredentials(filter: ListFilter): Promise<Page<CredentialSummary>>;
  findCredentialState(number: string): Promise<CredentialState | null>;
  /** The credential in one statement: row, snapshot, policy versions, closing event (db/credential-read.ts). */
  readCredential(number: string, options?: { records?: boolean }): Promise<CredentialRead | null>;
  /** A reconciler's finding on how the workflow stands; false when the credential is unknown or unchanged. */
  markWorkflowStatus(number: string, status: WorkflowStatus): Promise<boolean>;
  /** Credentials marked as closed abnormally (the reconciler checks them again). */
  abnormalWorkflows(): Promise<string[]>;

  reportOutcome(
    credentialNumber: string,
    kind: ReportKind,
    source: string,
    externalId: string,
  ): Promise<ReportOutcomeRecord | null>;
  /** A reporter's outcomes changed after `afterSeq` ("0": from the start), oldest change first. */
  reportOutcomesFor(reportedById: string, afterSeq: string, limit: number): Promise<ReportOutcomePage>;
  /**
   * The outcomes feed: one reporter's (or everyone's, reportedById null) changed after `afterSeq`,
   * showing only outcomes settled long enough that a cursor can never skip one (db/report-outcomes.ts).
   */
  reportOutcomeFeed(filter: ReportOutcomeFeedFilter): Promise<ReportOutcomePage>;
  /** The facts a report recorded, null when none (not reported, or not projected yet). */
  recordedReport(
    credentialNumber: string,
    kind: ReportKind,
    source: string,
    externalId: string,
  ): Promise<RecordedReport | null>;

  /** The first final outcome of a command with an Idempotency-Key, while retained (30 days), or null. */
  findCommandReceipt(key: CommandReceiptKey, now: number): Promise<CommandReceipt | null>;
  /** Stores it unless a live receipt exists; returns the stored one (first writer wins). */
  saveCommandReceipt(
    key: CommandReceiptKey,
    receipt: Omit<CommandReceipt, 'createdAt'>,
    now: number,
  ): Promise<CommandReceipt>;

  /** A policy's versions, ordered by version. */
  policyVersions(policyId: string): Promise<Policy[]>;
  allPolicyVersions(): Promise<Policy[]>;
  /** Stores a new version; PolicyVersionExistsError (db/policy-versions.ts) when it exists. */
  addPolicyVersion(policy: Policy, createdBy: string): Promise<Policy>;

  createApiKey(role: ApiRole, label: string): Promise<{ id: string; token: string }>;
  /** Finds an active key by the bearer token presented (compared by hash). */
  findApiKey(token: string): Promise<ApiKeyRecord | null>;

  close(): Promise<void>;
}
