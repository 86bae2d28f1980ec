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
// the renewal). Kept on the workflow's own global object, which the SDK keeps per workflow, not in
// module state: the worker preloads this module once and shares it with every workflow
// (worker/bundle-options.ts). Made on first use: the SDK records a stack for each promise.
const QUEUE = Symbol.for('recertify.v1.recordingQueue');
type Holder = { [QUEUE]?: Promise<void> };

/** Records events one after the other, after everything emitted before, in production order. */
export function emit(events: readonly CredentialEvent[]): Promise<void> {
  const holder = globalThis as Holder;
  const recorded = (holder[QUEUE] ?? Promise.resolve()).then(async () => {
    for (const event of events) await recordEvent(event);
  });
  // A failure surfaces to this caller only; later emits still run.
  holder[QUEUE] = recorded.catch(() => undefined);
  return recorded;
}
