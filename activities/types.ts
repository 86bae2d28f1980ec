import type { CredentialEvent, ReminderRequest } from '../workflows/events';

/**
 * The activities the credential workflow calls. The workflow imports this type only; the worker
 * supplies implementations built from their dependencies (see ./index.ts).
 */
export interface CredentialActivities {
  /** Projects one domain event into PostgreSQL; idempotent on `event.key`. */
  recordEvent(event: CredentialEvent): Promise<void>;
  /** Records a reminder and queues its delivery (outbox, see delivery/); idempotent on `reminder.key`. */
  sendReminder(request: ReminderRequest): Promise<void>;
  /** A uniform random integer 0..9999 for audit selection, recorded in history by being an activity. */
  drawAuditNumber(): Promise<number>;
}
