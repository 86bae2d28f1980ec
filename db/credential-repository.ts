import type { CycleDates } from '../rules/types';
import type { Db } from './client';
import { fromDbDate, toDbDate } from './dates';

export interface CycleStarted {
  credentialNumber: string;
  workflowId: string;
  policyId: string;
  cycle: number;
  dates: CycleDates;
  phase: string;
  occurredAt: Date;
}

export interface CredentialRecord {
  number: string;
  policyId: string;
  workflowId: string;
  cycle: number;
  cycleStart: string;
  expiresOn: string;
  phase: string;
}

export interface EventRecord {
  type: string;
  actor: string;
  reason: string | null;
  data: unknown;
  occurredAt: string;
}

export function createCredentialRepository(db: Db) {
  return {
    /** Idempotent: a retried activity updates the same row and leaves a single event. */
    async recordCycleStarted(fact: CycleStarted): Promise<void> {
      const row = {
        policyId: fact.policyId,
        workflowId: fact.workflowId,
        cycle: fact.cycle,
        cycleStart: toDbDate(fact.dates.start),
        expiresOn: toDbDate(fact.dates.expiration),
        phase: fact.phase,
      };
      await db.$transaction([
        db.credential.upsert({
          where: { number: fact.credentialNumber },
          create: { number: fact.credentialNumber, ...row },
          update: row,
        }),
        db.credentialEvent.upsert({
          where: { idempotencyKey: `${fact.credentialNumber}:cycle:${fact.cycle}:started` },
          create: {
            idempotencyKey: `${fact.credentialNumber}:cycle:${fact.cycle}:started`,
            credentialNumber: fact.credentialNumber,
            type: 'cycle_started',
            actor: 'workflow',
            data: { cycle: fact.cycle, ...fact.dates },
            occurredAt: fact.occurredAt,
          },
          update: {},
        }),
      ]);
    },

    async findCredential(number: string): Promise<CredentialRecord | null> {
      const row = await db.credential.findUnique({ where: { number } });
      if (!row) return null;
      return {
        number: row.number,
        policyId: row.policyId,
        workflowId: row.workflowId,
        cycle: row.cycle,
        cycleStart: fromDbDate(row.cycleStart),
        expiresOn: fromDbDate(row.expiresOn),
        phase: row.phase,
      };
    },

    async listEvents(number: string): Promise<EventRecord[]> {
      const rows = await db.credentialEvent.findMany({
        where: { credentialNumber: number },
        orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map((r) => ({
        type: r.type,
        actor: r.actor,
        reason: r.reason,
        data: r.data,
        occurredAt: r.occurredAt.toISOString(),
      }));
    },
  };
}

export type CredentialRepository = ReturnType<typeof createCredentialRepository>;
