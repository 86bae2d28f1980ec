import type { CalendarDate, ReminderChannel, ReminderKind } from '../rules/types';
import type { Db } from './client';
import { fromDbDate } from './dates';

// The reminder outbox (table reminder_outbox), drained by delivery/dispatch.ts. Rows are queued by
// recordReminder (./reminders.ts) in the transaction that records the reminder.

export type ReminderFacts = Readonly<Record<string, string | number | null>>;

/** One delivery to make: ids, dates and amounts only (the e-mail address is read at send time). */
export interface OutboxItem {
  readonly id: bigint;
  readonly channel: ReminderChannel;
  /** Failed attempts before this one. */
  readonly attempts: number;
  readonly credentialNumber: string;
  readonly policyId: string;
  readonly cycle: number;
  readonly reminder: {
    readonly key: string;
    readonly kind: ReminderKind;
    readonly daysBefore: number;
    readonly on: CalendarDate;
  };
  readonly facts: ReminderFacts;
}

export interface ClaimRequest {
  readonly now: number;
  readonly leaseMs: number;
  readonly limit: number;
  readonly channels: readonly ReminderChannel[];
  /** The dispatcher's id, so only the lease holder records a failure. */
  readonly claimant: string;
}

/**
 * Leases due rows to one dispatcher. SKIP LOCKED lets dispatchers claim side by side without
 * waiting on each other; a row another one is claiming is skipped, and once claimed, its lease
 * (claimed_until) keeps it out of every other claim until the lease runs out (a crashed dispatcher).
 */
export async function claimDue(db: Db, request: ClaimRequest): Promise<OutboxItem[]> {
  const { limit, channels, claimant } = request;
  if (channels.length === 0 || limit <= 0) return [];
  const now = new Date(request.now);
  const leaseEnd = new Date(request.now + request.leaseMs);
  const claimed = await db.$queryRaw<{ id: bigint }[]>`
    UPDATE reminder_outbox
       SET claimed_by = ${claimant}, claimed_until = ${leaseEnd}, updated_at = ${now}
     WHERE id IN (
           SELECT id FROM reminder_outbox
            WHERE status = 'pending'
              AND channel::text = ANY(${channels as ReminderChannel[]}::text[])
              AND next_attempt_at <= ${now}
              AND (claimed_until IS NULL OR claimed_until <= ${now})
            ORDER BY next_attempt_at, id
            LIMIT ${limit}
              FOR UPDATE SKIP LOCKED)
    RETURNING id`;
  if (claimed.length === 0) return [];

  const rows = await db.reminderOutbox.findMany({
    where: { id: { in: claimed.map((r) => r.id) } },
    include: { reminder: { include: { credential: { select: { policyId: true } } } } },
    orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((row) => ({
    id: row.id,
    channel: row.channel,
    attempts: row.attempts,
    credentialNumber: row.credentialNumber,
    policyId: row.reminder.credential.policyId,
    cycle: row.reminder.cycle,
    reminder: {
      key: row.reminderKey,
      kind: row.reminder.kind,
      daysBefore: row.reminder.daysBefore,
      on: fromDbDate(row.reminder.dueOn),
    },
    facts: (row.reminder.facts ?? {}) as ReminderFacts,
  }));
}

/** Delivered. Recorded even if the lease ran out meanwhile: the send did happen. */
export async function markSent(db: Db, id: bigint, now: number): Promise<void> {
  await db.reminderOutbox.updateMany({
    where: { id, status: 'pending' },
    data: { status: 'sent', sentAt: new Date(now), claimedBy: null, claimedUntil: null, lastError: null },
  });
}

export interface FailureRecord {
  readonly id: bigint;
  readonly claimant: string;
  /** Already free of personal data (see delivery/errors.ts). */
  readonly error: string;
  readonly attempts: number;
  /** When to try again; null: give up (dead letter). */
  readonly nextAttemptAt: number | null;
  readonly now: number;
}

/** A failed attempt; ignored when another dispatcher has taken the row over (our lease ran out). */
export async function recordFailure(db: Db, failure: FailureRecord): Promise<void> {
  const { id, claimant, nextAttemptAt } = failure;
  await db.reminderOutbox.updateMany({
    where: { id, status: 'pending', claimedBy: claimant },
    data: {
      status: nextAttemptAt === null ? 'dead' : 'pending',
      attempts: failure.attempts,
      lastError: failure.error,
      nextAttemptAt: new Date(nextAttemptAt ?? failure.now),
      claimedBy: null,
      claimedUntil: null,
    },
  });
}
