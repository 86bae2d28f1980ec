import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CredentialActivities } from '../../activities/types';

// The activities of the versioned engine, imported as types only: the worker supplies them.

/**
 * Local activities run inside the workflow task that needs them: one history event (a marker) per
 * call instead of three plus another workflow task. A few quick attempts; an outage then falls back
 * to `durable` (projector.ts).
 */
export const local = proxyLocalActivities<CredentialActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

/**
 * A regular activity for when the database is down: the server retries it without adding history
 * events, however long the outage lasts. The projection is idempotent on event keys: retrying is safe.
 */
export const durable = proxyActivities<CredentialActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});
