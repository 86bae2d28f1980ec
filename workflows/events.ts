import type {
  CalendarDate,
  CeuBalance,
  CeuCompletion,
  CeuHundredths,
  CprAedCertification,
  CycleDates,
  NotCountedReason,
  FeeLine,
  FeeQuote,
  Rejection,
  ReminderChannel,
  ReminderMoment,
} from '../rules/types';
import type { Actor, AuditDocument, CycleSnapshot, Phase, PetitionState } from './contract';

/**
 * Domain events the workflow emits through the `recordEvent` activity. The database is a projection
 * of these: each is applied idempotently on `key` (a retried activity changes nothing).
 */
interface EventBase {
  /** Unique per credential and fact, e.g. `CPT-1:c1:ceu:acme:123`. */
  readonly key: string;
  readonly credentialNumber: string;
  readonly cycle: number;
  /** Workflow time (epoch ms) of the fact. */
  readonly at: number;
  readonly actor: Actor;
  readonly reason?: string | null;
  /** CEUs earned after this event (today's balance), when it may have changed: the projection's ceus_earned. */
  readonly ceusEarned?: CeuHundredths;
}

/** How a reported fact stood when it was recorded (a provider reads it back; see report_outcomes). */
export type ReportStanding =
  | { readonly counted: true }
  | { readonly counted: false; readonly reason: NotCountedReason };

export type CredentialEvent = EventBase &
  (
    | {
        readonly type: 'cycle_started';
        readonly policyId: string;
        readonly workflowId: string;
        readonly certifiedOn: CalendarDate;
        readonly dates: CycleDates;
        readonly phase: Phase;
        /** The policy version the cycle runs under (absent before versioned policies: version 1). */
        readonly policyVersion?: number;
      }
    | { readonly type: 'phase_changed'; readonly from: Phase; readonly to: Phase }
    | {
        readonly type: 'ceu_completion_reported';
        readonly completion: CeuCompletion;
        /** Recorded by the versioned engine: whether the course counts in today's balance. */
        readonly standing?: ReportStanding;
      }
    | {
        readonly type: 'cpr_aed_reported';
        readonly certification: CprAedCertification;
        readonly standing?: ReportStanding;
      }
    | { readonly type: 'petition_filed'; readonly petition: PetitionState; readonly amountPaid: number }
    | {
        readonly type: 'petition_decided';
        readonly petition: PetitionState;
        /** Approved for a course in a cycle that has already renewed: it counts nowhere. */
        readonly note?: string | null;
      }
    | {
        readonly type: 'application_received';
        readonly applicationId: string;
        readonly receivedOn: CalendarDate;
        readonly paymentReference: string;
        readonly amountPaid: number;
        readonly fee: Extract<FeeQuote, { accepted: true }>;
        readonly balance: CeuBalance;
      }
    | {
        readonly type: 'audit_selected';
        readonly auditId: string;
        readonly applicationId: string;
        readonly selectedOn: CalendarDate;
        readonly documentsDueOn: CalendarDate;
        /** The random draw (0..9999) and whether selection was forced by an earlier failed audit. */
        readonly draw: number;
        readonly forced: boolean;
      }
    | { readonly type: 'audit_not_selected'; readonly applicationId: string; readonly draw: number }
    | {
        readonly type: 'audit_documents_submitted';
        readonly auditId: string;
        readonly documents: readonly AuditDocument[];
      }
    | { readonly type: 'audit_decided'; readonly auditId: string; readonly outcome: 'passed' | 'failed' }
    | {
        readonly type: 'application_decided';
        readonly applicationId: string;
        readonly outcome: 'approved' | 'denied';
        /** Fee lines charged when approved (the ledger's entries). */
        readonly charged: readonly FeeLine[];
        /** Approved: keys of the post-E courses this renewal relied on (they do not count next cycle). */
        readonly consumes?: readonly string[];
      }
    | { readonly type: 'renewed'; readonly nextCycle: number; readonly nextDates: CycleDates }
    | { readonly type: 'revoked' }
    | { readonly type: 'lapsed' }
    // From the versioned engine on:
    | {
        /** A signal the workflow refused (malformed, a correction, dated in the future, closed…). */
        readonly type: 'command_refused';
        /** The signal's name, e.g. reportCeuCompletion. */
        readonly command: string;
        readonly reasons: readonly Rejection[];
        /** What was received, as bounded, well-formed text (it may be anything a client sent). */
        readonly received: string;
        /** For reports: the provider and its id, so the provider can read the outcome back. */
        readonly report?: { readonly kind: 'ceu' | 'cpr_aed'; readonly source: string; readonly id: string };
      }
    | { readonly type: 'cancel_refused' }
    | {
        /** A reminder due now: the projection records it and queues it on each channel (the outbox). */
        readonly type: 'reminder_due';
        readonly reminder: ReminderMoment;
        readonly channels: readonly ReminderChannel[];
        /** Facts for the template: dates, amounts in cents, CEUs in hundredths. IDs and numbers only. */
        readonly facts: Readonly<Record<string, string | number | null>>;
      }
    | {
        readonly type: 'policy_version_received';
        readonly policyId: string;
        readonly version: number;
        readonly effectiveFrom: CalendarDate;
      }
    | {
        /** The run continued as new in the middle of its cycle (upgrade, history size). */
        readonly type: 'continued_as_new';
        readonly why: 'requested' | 'history_size' | 'suggested_by_server';
        readonly historyLength: number;
      }
  );

/** One call of the projection: the events of one workflow task, in order, and the state after them. */
export interface EventBatch {
  readonly credentialNumber: string;
  readonly cycle: number;
  readonly events: readonly CredentialEvent[];
  /** The run's state after these events, for reads that do not ask the workflow. */
  readonly snapshot?: CycleSnapshot;
  /** Today's phase after these events (the projection's phase column follows it). */
  readonly phase?: Phase;
}

/** What the projection did with a batch: events it could never write are parked (dead letters). */
export interface BatchResult {
  readonly recorded: number;
  readonly parked: readonly string[];
}

/**
 * The worker's side of recording by sink (worker/projection-sink.ts): `record` writes a batch before
 * the workflow task completes; when PostgreSQL does not take it, the worker sends `recordingFailed`
 * with `sequence` and the run records the batch again by its activities.
 */
// A type, not an interface: the SDK's Sinks is a record type, which interfaces do not satisfy.
export type ProjectionSinks = {
  /** `requestId`: of the latest API call that reached the run, for the worker's log lines. */
  projection: { record(batch: EventBatch, sequence: number, requestId?: string): void };
};

export type CredentialEventType = CredentialEvent['type'];

/** A reminder the workflow wants delivered; `reminder.key` makes it once-only. */
export interface ReminderRequest {
  readonly credentialNumber: string;
  readonly cycle: number;
  readonly reminder: ReminderMoment;
  /** Facts for the template: dates, amounts, CEUs missing. IDs and numbers only. */
  readonly facts: Readonly<Record<string, string | number | null>>;
}
