import type {
  CalendarDate,
  CeuBalance,
  CeuCompletion,
  CprAedCertification,
  CycleDates,
  FeeLine,
  FeeQuote,
  ReminderMoment,
} from '../rules/types';
import type { Actor, AuditDocument, Phase, PetitionState } from './contract';

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
}

export type CredentialEvent = EventBase &
  (
    | {
        readonly type: 'cycle_started';
        readonly policyId: string;
        readonly workflowId: string;
        readonly certifiedOn: CalendarDate;
        readonly dates: CycleDates;
        readonly phase: Phase;
      }
    | { readonly type: 'phase_changed'; readonly from: Phase; readonly to: Phase }
    | { readonly type: 'ceu_completion_reported'; readonly completion: CeuCompletion }
    | { readonly type: 'cpr_aed_reported'; readonly certification: CprAedCertification }
    | { readonly type: 'petition_filed'; readonly petition: PetitionState; readonly amountPaid: number }
    | { readonly type: 'petition_decided'; readonly petition: PetitionState }
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
  );

export type CredentialEventType = CredentialEvent['type'];

/** A reminder the workflow wants delivered; `reminder.key` makes it once-only. */
export interface ReminderRequest {
  readonly credentialNumber: string;
  readonly cycle: number;
  readonly reminder: ReminderMoment;
  /** Facts for the template: dates, amounts, CEUs missing. IDs and numbers only. */
  readonly facts: Readonly<Record<string, string | number | null>>;
}
