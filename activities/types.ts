import type { Policy } from '../rules/types';
import type { BatchResult, CredentialEvent, EventBatch, ReminderRequest } from '../workflows/events';

/**
 * The activities the credential workflow calls. The workflow imports this type only; the worker
 * supplies implementations built from their dependencies (see ./index.ts).
 */
export interface CredentialActivities {
  /**
   * Projects the events of one workflow task into PostgreSQL, in order, in one transaction;
   * idempotent on each event's key. An event that can never be written (a constraint or data error,
   * not an outage) is parked as a dead letter and reported in the result; an outage throws (retried).
   */
  recordEvents(batch: EventBatch): Promise<BatchResult>;
  /** Every version of a policy, from the database (for runs started without them). */
  loadPolicyVersions(policyId: string): Promise<Policy[]>;
  /** A uniform random integer 0..9999 for audit selection, recorded in history by being an activity. */
  drawAuditNumber(): Promise<number>;

  // Used by runs of the first release (workflows/v1) until they are upgraded.
  /** Projects one domain event into PostgreSQL; idempotent on `event.key`. */
  recordEvent(event: CredentialEvent): Promise<void>;
  /** Records a reminder and queues its delivery (outbox, see delivery/); idempotent on `reminder.key`. */
  sendReminder(request: ReminderRequest): Promise<void>;
}
