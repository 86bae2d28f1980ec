import { proxyActivities } from '@temporalio/workflow';
import type { CredentialActivities } from '../activities/types';
import type { CredentialEvent } from './events';

// Activities are imported as types only: the worker supplies the implementations.
export const { recordEvent, sendReminder, drawAuditNumber } = proxyActivities<CredentialActivities>({
  startToCloseTimeout: '1 minute',
  // The projection and the reminder outbox are idempotent on their keys: retrying is always safe.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Records events one after the other, in the order the transitions produced them. */
export async function emit(events: readonly CredentialEvent[]): Promise<void> {
  for (const event of events) await recordEvent(event);
}
