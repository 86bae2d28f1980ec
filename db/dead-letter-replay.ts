import type { CredentialEvent } from '../workflows/events';
import type { Db } from './client';
import { refreshCeusEarned } from './ceus-earned';
import { type DeadLetter, listDeadLetters, markResolved } from './dead-letters';
import { needsLegacyRefresh } from './projection';
import { recordEvents } from './record-events';
import type { SqlPool } from './sql-pool';

export interface ReplayResult {
  readonly key: string;
  readonly credentialNumber: string;
  readonly type: string;
  /** recorded: written now; already: it had been recorded meanwhile; parked: it failed again. */
  readonly outcome: 'recorded' | 'already' | 'parked';
  readonly error?: string;
}

/**
 * Re-applies parked events after the cause is fixed, oldest first (the order their batches had), and
 * marks each one that is now recorded as resolved; one that fails again stays parked (attempts + 1).
 * A replayed event does not set ceus_earned from its stale balance: the workflow's next batch does,
 * and events of the first release get the legacy recomputation.
 */
export async function replayDeadLetters(
  db: Db,
  pool: SqlPool,
  filter: { readonly key?: string } = {},
): Promise<ReplayResult[]> {
  const letters = await listDeadLetters(pool, filter);
  const results: ReplayResult[] = [];
  for (const letter of letters) results.push(await replayOne(db, pool, letter));
  return results;
}

async function replayOne(db: Db, pool: SqlPool, letter: DeadLetter): Promise<ReplayResult> {
  const { ceusEarned, ...rest } = letter.event;
  const event = rest as CredentialEvent;
  const report = await recordEvents(pool, {
    credentialNumber: event.credentialNumber,
    cycle: event.cycle,
    events: [event],
  });
  const base = { key: letter.eventKey, credentialNumber: letter.credentialNumber, type: letter.eventType };
  const failed = report.parked[0];
  if (failed) return { ...base, outcome: 'parked', error: `${failed.code}: ${failed.message}` };
  if (report.written.length > 0 && ceusEarned === undefined && needsLegacyRefresh(event)) {
    await refreshCeusEarned(db, event.credentialNumber, event.at);
  }
  await markResolved(pool, letter.eventKey);
  return { ...base, outcome: report.written.length > 0 ? 'recorded' : 'already' };
}
