import type pg from 'pg';
import type { CredentialEvent, EventBatch } from '../workflows/events';
import { park, type ParkedEvent } from './dead-letters';
import {
  type BatchTail,
  eventStatement,
  type EventStatementRow,
  type Statement,
  tailStatement,
} from './event-statements';
import { checkInt, UnstorableValueError } from './guard';
import type { SqlPool } from './sql-pool';

// The projection's hot path: a batch of one event is one statement in autocommit; a batch of N is
// BEGIN, N statements, COMMIT (the snapshot rides on the last one). An event that can never be
// written is parked (db/dead-letters.ts) and the rest of its batch recorded; an outage throws, and
// the activity's retry finds the events already written by key.

export interface ProjectionReport {
  /** Events of the batch now in the database (written by this call or an earlier attempt). */
  readonly recorded: number;
  /** Events this call wrote (the others were recorded before, or parked). */
  readonly written: readonly CredentialEvent[];
  readonly parked: readonly ParkedEvent[];
}

/** PostgreSQL is unreachable or busy (not a problem of the data): the workflow retries the activity. */
export class ProjectionUnavailableError extends Error {
  constructor(cause: unknown) {
    const code = sqlState(cause);
    const message = cause instanceof Error ? cause.message : String(cause);
    super(`PostgreSQL did not record the events${code ? ` (${code})` : ''}: ${message}`, { cause });
    this.name = 'ProjectionUnavailableError';
  }
}

interface Failure {
  readonly code: string;
  readonly message: string;
}

const sqlState = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/** Data exceptions (22) and integrity constraint violations (23): retrying never helps. */
function dataFailure(err: unknown): Failure | null {
  const code = sqlState(err);
  if (!code || !/^2[23]/.test(code)) return null;
  return { code, message: (err as Error).message };
}

type Run =
  | { readonly failed: { readonly index: number; readonly failure: Failure } }
  | {
      readonly failed: null;
      readonly written: readonly number[];
      readonly missing: ReadonlyMap<number, string>;
      /** The last statement carried the tail and it applied (or the batch was a repeat). */
      readonly tailCarried: boolean;
    };

/** Runs the statements of `indexes`; stops at the first data error (nothing of this run stays). */
async function run(
  pool: SqlPool,
  events: readonly CredentialEvent[],
  prepared: ReadonlyMap<number, Statement>,
  indexes: readonly number[],
  tail: Omit<BatchTail, 'anyEarlierWritten'> | null,
): Promise<Run> {
  const written: number[] = [];
  const missing = new Map<number, string>();
  let tailCarried = false;
  const statementFor = (position: number): Statement => {
    const index = indexes[position] as number;
    if (position < indexes.length - 1 || !tail) return prepared.get(index) as Statement;
    // The last statement also carries the batch's snapshot and phase.
    return eventStatement(events[index] as CredentialEvent, {
      ...tail,
      anyEarlierWritten: written.length > 0,
    });
  };
  const note = (position: number, row: EventStatementRow | undefined) => {
    const index = indexes[position] as number;
    const anyEarlier = written.length > 0;
    if (row?.inserted) written.push(index);
    else if (row?.missing) missing.set(index, row.missing);
    if (position === indexes.length - 1) tailCarried = Boolean(row?.inserted || anyEarlier || !row?.missing);
  };

  if (indexes.length === 0) return { failed: null, written, missing, tailCarried };
  if (indexes.length === 1) {
    try {
      const { rows } = await pool.query<EventStatementRow>(statementFor(0));
      note(0, rows[0]);
    } catch (err) {
      const failure = dataFailure(err);
      if (failure) return { failed: { index: indexes[0] as number, failure } };
      throw new ProjectionUnavailableError(err);
    }
    return { failed: null, written, missing, tailCarried };
  }

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new ProjectionUnavailableError(err);
  }
  let broken: unknown = undefined;
  // A connection lost while checked out is reported as an event on the client (and would crash the
  // process unheard); the pending query fails too, which is what the caller acts on.
  const onError = (err: unknown) => {
    broken ??= err;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    for (let position = 0; position < indexes.length; position += 1) {
      try {
        const { rows } = await client.query<EventStatementRow>(statementFor(position));
        note(position, rows[0]);
      } catch (err) {
        const failure = dataFailure(err);
        if (!failure) throw err;
        await client.query('ROLLBACK');
        return { failed: { index: indexes[position] as number, failure } };
      }
    }
    await client.query('COMMIT');
    return { failed: null, written, missing, tailCarried };
  } catch (err) {
    broken = err;
    // The connection may be gone; a failed ROLLBACK only confirms it. Nothing was committed.
    await client.query('ROLLBACK').catch(() => undefined);
    throw new ProjectionUnavailableError(err);
  } finally {
    client.off('error', onError);
    client.release(broken === undefined ? undefined : (broken as Error));
  }
}

const PHASES = new Set<string>(['Active', 'ExpiredLate', 'ExpiredReinstatement', 'Lapsed', 'Revoked']);

/**
 * The snapshot and phase to store, unless the batch's cycle or phase is not one the row can hold (a
 * bug of the caller): then the batch is recorded without them rather than failing the event they
 * would ride on. What jsonb cannot hold in the snapshot is escaped (event-statements.ts).
 */
function storableTail(batch: EventBatch): Omit<BatchTail, 'anyEarlierWritten'> | null {
  const phase = batch.phase !== undefined && PHASES.has(batch.phase) ? batch.phase : undefined;
  if (batch.snapshot === undefined && phase === undefined) return null;
  try {
    checkInt(batch.cycle, 'batch.cycle');
  } catch (err) {
    if (err instanceof UnstorableValueError) return null;
    throw err;
  }
  return {
    cycle: batch.cycle,
    ...(batch.snapshot === undefined ? {} : { snapshot: batch.snapshot }),
    ...(phase === undefined ? {} : { phase }),
  };
}

/**
 * Applies the events of a batch in order, idempotent on each event's key, then stores the batch's
 * snapshot and phase on the credential row. See ProjectionReport for what it returns.
 */
export async function recordEvents(pool: SqlPool, batch: EventBatch): Promise<ProjectionReport> {
  const { events } = batch;
  const failures = new Map<number, Failure>();
  const prepared = new Map<number, Statement>();
  let pending: number[] = [];
  events.forEach((event, index) => {
    try {
      // Building a statement is the guard: nothing unstorable is ever sent.
      prepared.set(index, eventStatement(event, null));
      pending.push(index);
    } catch (err) {
      if (!(err instanceof UnstorableValueError)) throw err;
      failures.set(index, { code: err.code, message: err.message });
    }
  });

  const tail = storableTail(batch);
  let outcome: Run;
  // Each data error parks one event and runs the rest again, in one transaction as before.
  for (;;) {
    outcome = await run(pool, events, prepared, pending, tail);
    if (!outcome.failed) break;
    const { index, failure } = outcome.failed;
    failures.set(index, failure);
    pending = pending.filter((i) => i !== index);
  }
  for (const [index, name] of outcome.missing) {
    failures.set(index, {
      code: '23503',
      message: `Refused before writing: the ${name} this event refers to is not recorded (its own event was parked).`,
    });
  }
  if (tail && (pending.length === 0 || !outcome.tailCarried)) {
    const statement = tailStatement(batch.credentialNumber, { ...tail, anyEarlierWritten: false });
    if (statement) {
      await pool.query(statement).catch((err: unknown) => {
        // The snapshot is a convenience for reads: a data error drops it, never the batch.
        if (!dataFailure(err)) throw new ProjectionUnavailableError(err);
      });
    }
  }

  // Parked in batch order, so a replay applies them in the order the workflow produced them.
  const parked: ParkedEvent[] = [];
  for (const index of [...failures.keys()].sort((a, b) => a - b)) {
    const event = events[index] as CredentialEvent;
    try {
      parked.push(await park(pool, event, failures.get(index) as Failure));
    } catch (err) {
      throw new ProjectionUnavailableError(err);
    }
  }
  return {
    recorded: events.length - parked.length,
    written: outcome.written.map((i) => events[i] as CredentialEvent),
    parked,
  };
}
