import type { CredentialEvent } from '../workflows/events';
import { storable } from './guard';
import type { SqlPool } from './sql-pool';

// Events the projection can never write (a constraint or data error) are parked here, so the rest of
// a credential's events still go in and its workflow carries on. `npm run dead-letters` lists them
// and replays them once the cause is fixed.

/** An event parked instead of recorded: IDs and the error's code only (for logs and counters). */
export interface ParkedEvent {
  readonly key: string;
  readonly credentialNumber: string;
  readonly type: string;
  /** SQLSTATE (class 22 or 23), or the one our guard stands in for. */
  readonly code: string;
  readonly message: string;
  /** False when the same event had been parked before (a retried batch or a failed replay). */
  readonly firstTime: boolean;
}

export interface DeadLetter {
  readonly id: string;
  readonly credentialNumber: string;
  readonly eventKey: string;
  readonly eventType: string;
  /** The event as received, with what jsonb refuses escaped. */
  readonly event: CredentialEvent;
  readonly errorMessage: string;
  readonly errorCode: string;
  readonly firstFailedAt: string;
  readonly lastFailedAt: string;
  readonly attempts: number;
  readonly resolvedAt: string | null;
}

const text = (value: string): string => storable(value) as string;

/** Parks one event; a repeat bumps its attempts. One statement. */
export async function park(
  pool: SqlPool,
  event: CredentialEvent,
  failure: { readonly code: string; readonly message: string },
): Promise<ParkedEvent> {
  const { rows } = await pool.query<{ first: boolean }>(
    `INSERT INTO dead_letter_events (credential_number, event_key, event_type, event, error_message, error_code)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6)
     ON CONFLICT (event_key) DO UPDATE
        SET attempts = dead_letter_events.attempts + 1, last_failed_at = now(),
            error_message = EXCLUDED.error_message, error_code = EXCLUDED.error_code, resolved_at = NULL
     RETURNING (xmax = 0) AS first`,
    [
      text(String(event.credentialNumber)),
      text(String(event.key)),
      text(String(event.type)),
      JSON.stringify(storable(event)),
      text(failure.message),
      text(failure.code),
    ],
  );
  return {
    key: event.key,
    credentialNumber: event.credentialNumber,
    type: event.type,
    code: failure.code,
    message: failure.message,
    firstTime: rows[0]?.first ?? true,
  };
}

interface DeadLetterRow {
  id: string;
  credential_number: string;
  event_key: string;
  event_type: string;
  event: CredentialEvent;
  error_message: string;
  error_code: string;
  first_failed_at: Date;
  last_failed_at: Date;
  attempts: number;
  resolved_at: Date | null;
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    credentialNumber: row.credential_number,
    eventKey: row.event_key,
    eventType: row.event_type,
    event: row.event,
    errorMessage: row.error_message,
    errorCode: row.error_code,
    firstFailedAt: row.first_failed_at.toISOString(),
    lastFailedAt: row.last_failed_at.toISOString(),
    attempts: row.attempts,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
  };
}

/** Parked events, oldest first: unresolved ones unless `all`; one event with `key`. */
export async function listDeadLetters(
  pool: SqlPool,
  filter: { readonly key?: string; readonly all?: boolean } = {},
): Promise<DeadLetter[]> {
  const { rows } = await pool.query<DeadLetterRow>(
    `SELECT id::text AS id, credential_number, event_key, event_type, event, error_message, error_code,
            first_failed_at, last_failed_at, attempts, resolved_at
       FROM dead_letter_events
      WHERE ($1::text IS NULL OR event_key = $1) AND ($2 OR resolved_at IS NULL)
      ORDER BY id`,
    [filter.key ?? null, filter.all ?? false],
  );
  return rows.map(toDeadLetter);
}

export async function markResolved(pool: SqlPool, key: string): Promise<void> {
  await pool.query('UPDATE dead_letter_events SET resolved_at = now() WHERE event_key = $1', [key]);
}
