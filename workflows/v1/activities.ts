import { proxyActivities } from '@temporalio/workflow';
import type { CredentialActivities } from '../../activities/types';
import type { CredentialEvent } from '../events';

// Activities are imported as types only: the worker supplies the implementations.
export const { recordEvent, sendReminder, drawAuditNumber } = proxyActivities<CredentialActivities>({
  startToCloseTimeout: '1 minute',
  // The projection and the reminder outbox are idempotent on their keys: retrying is always safe.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

// One queue for the whole run: handlers and the main loop emit concurrently, and the database must
// see facts in the order the workflow produced them (the cycle before its CEUs, a decision before
// the renewal).
// Made on first use, not when the module loads: every new workflow evaluates this module, and the SDK
// records a stack for each promise a workflow creates.
let queue: Promise<void> | null = null;

/** Records events one after the other, after everything emitted before, in production order. */
export function emit(events: readonly CredentialEvent[]): Promise<void> {
  const recorded = (queue ?? Promise.resolve()).then(async () => {
    for (const event of events) await recordEvent(event);
  });
  // A failure surfaces to this caller only; later emits still run.
  queue = recorded.catch(() => undefined);
  return recorded;
}
