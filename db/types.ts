import type { CalendarDate, Cents, CeuHundredths, FeeLine, ReminderChannel } from '../rules/types';
import type { Actor, AuditStateName, Phase } from '../workflows/contract';
import type { CredentialEvent, ReminderRequest } from '../workflows/events';

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

export interface ApiKeyRecord {
  readonly id: string;
  readonly role: ApiRole;
  readonly label: string;
}

export interface Repository {
  /** Enrolment: stores the holder's personal data (the only place it lives); the first one stays. */
  saveHolder(credentialNumber: string, holder: Holder): Promise<void>;
  findHolder(credentialNumber: string): Promise<Holder | null>;
  /** Projects one workflow event; a repeat with the same key changes nothing. */
  recordEvent(event: CredentialEvent): Promise<void>;
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

  createApiKey(role: ApiRole, label: string): Promise<{ id: string; token: string }>;
  /** Finds an active key by the bearer token presented (compared by hash). */
  findApiKey(token: string): Promise<ApiKeyRecord | null>;

  close(): Promise<void>;
}
