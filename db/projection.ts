import type { CredentialEvent, CredentialEventType } from '../workflows/events';
import type { Db } from './client';
import { refreshCeusEarned } from './ceus-earned';
import { type ProjectionReport, recordEvents } from './record-events';
import type { SqlPool } from './sql-pool';

// The first release's path (workflows/v1 records one event per activity, without the balance): the
// event goes through the batch projection, then ceus_earned is recomputed from the stored records as
// before. The versioned engine sends `ceusEarned` with its events and never takes this path.

/** Events after which the CEUs that count may differ (application_received carries its own balance). */
export const REFRESHES_CEUS: ReadonlySet<CredentialEventType> = new Set<CredentialEventType>([
  'cycle_started',
  'phase_changed',
  'ceu_completion_reported',
  'cpr_aed_reported',
  'petition_decided',
  'renewed',
]);

/** Whether an event written by the projection still needs the legacy recomputation of ceus_earned. */
export const needsLegacyRefresh = (event: CredentialEvent): boolean =>
  event.ceusEarned === undefined && REFRESHES_CEUS.has(event.type);

/** Applies one event; a repeat with the same key is a no-op. */
export async function projectEvent(db: Db, pool: SqlPool, event: CredentialEvent): Promise<ProjectionReport> {
  const report = await recordEvents(pool, {
    credentialNumber: event.credentialNumber,
    cycle: event.cycle,
    events: [event],
  });
  if (report.written.length > 0 && needsLegacyRefresh(event)) {
    await refreshCeusEarned(db, event.credentialNumber, event.at);
  }
  return report;
}
