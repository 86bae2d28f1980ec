import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client';
import type { Db } from './client';
import type { HistoryEntry, Repository } from './types';

// The event history: accepted events are written by the projection (db/projection.ts); commands the
// workflow refused never reach its history, so the API records them here.

/** Keys whose values are personal data: never copied into the history, whatever a caller passes. */
const PERSONAL_KEYS = new Set(['holder', 'name', 'email']);

function withoutPersonalData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonalData);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !PERSONAL_KEYS.has(key))
      .map(([key, inner]) => [key, withoutPersonalData(inner)]),
  );
}

export async function recordRejectedCommand(
  db: Db,
  entry: Parameters<Repository['recordRejectedCommand']>[0],
): Promise<void> {
  await db.credentialEvent.create({
    data: {
      // Each refusal is its own fact: a retried request that is refused again is recorded again.
      idempotencyKey: `rejected:${randomUUID()}`,
      credentialNumber: entry.credentialNumber,
      type: entry.type,
      actorKind: entry.actor.kind,
      actorId: entry.actor.id,
      reason: entry.reasons.map((r) => r.message).join(' '),
      data: { reasons: entry.reasons, command: withoutPersonalData(entry.data) } as Prisma.InputJsonValue,
      outcome: 'rejected',
      occurredAt: new Date(entry.at),
    },
  });
}

export async function history(db: Db, credentialNumber: string): Promise<readonly HistoryEntry[]> {
  const rows = await db.credentialEvent.findMany({
    where: { credentialNumber },
    orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
  });
  // Actors are API keys (by id) or the workflow: one lookup for every key the history names.
  const keyIds = [...new Set(rows.filter((r) => r.actorKind !== 'system').map((r) => r.actorId))];
  const keys =
    keyIds.length === 0
      ? []
      : await db.apiKey.findMany({ where: { id: { in: keyIds } }, select: { id: true, label: true } });
  const labels = new Map(keys.map((k) => [k.id, k.label]));
  return rows.map((row) => ({
    type: row.type,
    actor: { kind: row.actorKind, id: row.actorId, label: labels.get(row.actorId) ?? null },
    reason: row.reason,
    data: row.data,
    occurredAt: row.occurredAt.toISOString(),
    outcome: row.outcome,
  }));
}
