import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../db/client';
import { claimDue, markSent, recordFailure, type OutboxItem } from '../db/outbox';
import { getPolicy } from '../rules/policies';
import type { ReminderChannel } from '../rules/types';
import { DEFAULT_RETRY, nextAttemptAt, type RetryPolicy } from './backoff';
import { safeErrorMessage } from './errors';
import { idempotencyKey } from './keys';
import { renderReminder } from './templates';
import type { ChannelSender, DeliveryLogger } from './types';

export interface DispatcherDeps {
  readonly db: Db;
  /** A channel without a sender is not claimed: its rows stay pending. */
  readonly senders: Partial<Record<ReminderChannel, ChannelSender>>;
  readonly logger: DeliveryLogger;
  readonly retry?: RetryPolicy;
  /** Must outlast one send (SMTP timeouts total 50 s): a lease that runs out mid-send means a duplicate. */
  readonly leaseMs?: number;
  /** Rows per claim, sent concurrently. */
  readonly batchSize?: number;
  /** Identifies this dispatcher's leases; unique per process by default. */
  readonly claimant?: string;
}

export interface DispatchReport {
  readonly claimed: number;
  readonly sent: number;
  /** Failed, to be retried later. */
  readonly failed: number;
  /** Failed for the last allowed time: dead-lettered. */
  readonly dead: number;
}

export interface Dispatcher {
  readonly claimant: string;
  readonly batchSize: number;
  /** Claims one batch of rows due at `now`, sends them and records each outcome. */
  dispatchDue(now?: number): Promise<DispatchReport>;
}

type Outcome = 'sent' | 'failed' | 'dead';

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { db, senders, logger, retry = DEFAULT_RETRY, leaseMs = 120_000, batchSize = 10 } = deps;
  const claimant = deps.claimant ?? `${hostname()}:${process.pid}:${randomUUID()}`;
  const channels = (['email', 'webhook'] as const).filter((c) => senders[c]);

  async function deliver(item: OutboxItem, now: number): Promise<Outcome> {
    const context = {
      outboxId: String(item.id),
      credentialNumber: item.credentialNumber,
      reminderKey: item.reminder.key,
      channel: item.channel,
    };
    try {
      const send = senders[item.channel];
      if (!send) throw new Error(`No sender for channel ${item.channel}`);
      const policy = getPolicy(item.policyId);
      const message = renderReminder(item, policy);
      await send({
        item,
        policy,
        message,
        idempotencyKey: idempotencyKey(item.credentialNumber, item.reminder.key),
      });
    } catch (err) {
      const attempts = item.attempts + 1;
      const next = nextAttemptAt(now, attempts, retry);
      const error = safeErrorMessage(err);
      await recordFailure(db, { id: item.id, claimant, error, attempts, nextAttemptAt: next, now });
      if (next === null) {
        logger.error(
          { ...context, attempts, error },
          'reminder delivery dead-lettered after its last attempt',
        );
        return 'dead';
      }
      logger.warn(
        { ...context, attempts, error, retryAt: new Date(next).toISOString() },
        'reminder delivery failed',
      );
      return 'failed';
    }
    // A crash right here re-sends once the lease runs out: receivers drop it by idempotency key.
    await markSent(db, item.id, now);
    logger.info(context, 'reminder delivered');
    return 'sent';
  }

  async function dispatchDue(now: number = Date.now()): Promise<DispatchReport> {
    const items = await claimDue(db, { now, leaseMs, limit: batchSize, channels, claimant });
    const outcomes = await Promise.allSettled(items.map((item) => deliver(item, now)));
    const count = (o: Outcome) => outcomes.filter((r) => r.status === 'fulfilled' && r.value === o).length;
    for (const r of outcomes) {
      // The database failed while recording an outcome: the lease expires and the row is retried.
      if (r.status === 'rejected')
        logger.error({ error: safeErrorMessage(r.reason) }, 'reminder outbox update failed');
    }
    return { claimed: items.length, sent: count('sent'), failed: count('failed'), dead: count('dead') };
  }

  return { claimant, batchSize, dispatchDue };
}
