import type { Prisma } from '../generated/prisma/client';
import type { CalendarDate, FeeLine } from '../rules/types';
import type { AuditStateName, Phase } from '../workflows/contract';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import { fromDbDate, toDbDate } from './dates';
import type { SqlPool } from './sql-pool';
import type { CredentialRecords, CredentialSummary, ListFilter, Page, WorkflowStatus } from './types';

// The read side the API lists and reports from.

type CredentialRow = Prisma.CredentialGetPayload<object>;

const MAX_PAGE = 500;

export function toSummary(row: CredentialRow): CredentialSummary {
  return {
    number: row.number,
    policyId: row.policyId,
    certifiedOn: fromDbDate(row.certifiedOn),
    cycle: row.cycle,
    cycleStart: fromDbDate(row.cycleStart),
    expiresOn: fromDbDate(row.expiresOn),
    lateWindowEndsOn: fromDbDate(row.lateWindowEndsOn),
    lapsesOn: fromDbDate(row.lapsesOn),
    phase: row.phase,
    auditState: row.auditState,
    ceusEarned: row.ceusEarned,
    updatedAt: row.updatedAt.toISOString(),
    workflowStatus: row.workflowStatus,
  };
}

/** A credential row as the raw SQL reads select it (dates as YYYY-MM-DD text, enums as text). */
export interface SummaryRow {
  number: string;
  policy_id: string;
  certified_on: CalendarDate;
  cycle: number;
  cycle_start: CalendarDate;
  expires_on: CalendarDate;
  late_window_ends_on: CalendarDate;
  lapses_on: CalendarDate;
  phase: Phase;
  audit_state: AuditStateName;
  ceus_earned: number;
  workflow_status: WorkflowStatus;
  updated_at: Date;
}

export function summaryFromRow(row: SummaryRow): CredentialSummary {
  return {
    number: row.number,
    policyId: row.policy_id,
    certifiedOn: row.certified_on,
    cycle: row.cycle,
    cycleStart: row.cycle_start,
    expiresOn: row.expires_on,
    lateWindowEndsOn: row.late_window_ends_on,
    lapsesOn: row.lapses_on,
    phase: row.phase,
    auditState: row.audit_state,
    ceusEarned: row.ceus_earned,
    updatedAt: row.updated_at.toISOString(),
    workflowStatus: row.workflow_status,
  };
}

/**
 * One primary-key read, off Prisma's query compiler: every enrolment asks it first (a number is
 * enrolled once, ever). Dates as YYYY-MM-DD text, so no time zone gets near them.
 */
export async function findCredential(pool: SqlPool, number: string): Promise<CredentialSummary | null> {
  const day = (column: string) => `to_char(${column}, 'YYYY-MM-DD') AS ${column}`;
  const { rows } = await pool.query<SummaryRow>(
    `SELECT number, policy_id, ${day('certified_on')}, cycle, ${day('cycle_start')}, ${day('expires_on')},
            ${day('late_window_ends_on')}, ${day('lapses_on')}, phase::text AS phase,
            audit_state::text AS audit_state, ceus_earned, workflow_status::text AS workflow_status, updated_at
       FROM credentials WHERE number = $1`,
    [number],
  );
  const row = rows[0];
  return row ? summaryFromRow(row) : null;
}

export async function findRecords(db: Db, number: string): Promise<CredentialRecords | null> {
  const row = await db.credential.findUnique({
    where: { number },
    include: {
      ceuRecords: { orderBy: [{ completedOn: 'asc' }, { id: 'asc' }] },
      cprAed: { orderBy: { id: 'asc' } },
      petitions: { orderBy: { id: 'asc' } },
      applications: { orderBy: { id: 'asc' } },
      audits: { orderBy: { id: 'asc' }, include: { documents: { orderBy: { id: 'asc' } } } },
      ledger: { orderBy: { id: 'asc' } },
      reminders: { orderBy: [{ dueAt: 'asc' }, { id: 'asc' }] },
    },
  });
  if (!row) return null;
  return {
    credential: toSummary(row),
    ceuRecords: row.ceuRecords.map((r) => ({
      provider: r.provider,
      completionId: r.completionId,
      course: r.course,
      units: r.units,
      completedOn: fromDbDate(r.completedOn),
      approved: r.approved,
      cycle: r.cycle,
    })),
    cprAed: row.cprAed.map((c) => ({
      certificationId: c.certificationId,
      issuedOn: fromDbDate(c.issuedOn),
      expiresOn: fromDbDate(c.expiresOn),
      handsOn: c.handsOn,
    })),
    petitions: row.petitions.map((p) => ({
      petitionId: p.petitionId,
      course: p.course,
      status: p.status,
      requestedUnits: p.requestedUnits,
      grantedUnits: p.grantedUnits,
    })),
    applications: row.applications.map((a) => ({
      applicationId: a.applicationId,
      receivedOn: fromDbDate(a.receivedOn),
      status: a.status,
      amountPaid: a.amountPaid,
      feeTotal: a.feeTotal,
      paymentReference: a.paymentReference,
      feeLines: a.feeLines as unknown as readonly FeeLine[],
    })),
    audits: row.audits.map((a) => ({
      auditId: a.auditId,
      applicationId: a.applicationId,
      state: a.state,
      documentsDueOn: fromDbDate(a.documentsDueOn),
      documents: a.documents.map((d) => ({ reference: d.reference, description: d.description })),
    })),
    ledger: row.ledger.map((l) => ({
      code: l.code,
      amount: l.amount,
      reference: l.source,
      on: fromDbDate(l.chargedOn),
      label: l.label,
      paymentReference: l.paymentReference,
    })),
    remindersSent: row.reminders.map((r) => ({ key: r.key, kind: r.kind, on: fromDbDate(r.dueOn) })),
  };
}

/** Ordered by (expiresOn, number); the cursor is the last item's key. */
export async function listCredentials(db: Db, filter: ListFilter): Promise<Page<CredentialSummary>> {
  if (!Number.isSafeInteger(filter.limit) || filter.limit < 1) {
    throw new RangeError(`Invalid page size ${filter.limit}: expected a whole number from 1.`);
  }
  const limit = Math.min(filter.limit, MAX_PAGE);
  const after = filter.cursor === undefined ? null : decodeCursor(filter.cursor);
  const conditions: Prisma.CredentialWhereInput[] = [];
  // A phase is only vouched for while the workflow runs or closed normally (a reconciler marks others).
  if (filter.phase)
    conditions.push({ phase: filter.phase, workflowStatus: { in: ['running', 'completed'] } });
  if (filter.auditState) conditions.push({ auditState: filter.auditState });
  if (filter.expiringBefore) conditions.push({ expiresOn: { lt: toDbDate(filter.expiringBefore) } });
  if (after) {
    const expiresOn = toDbDate(after.expiresOn);
    conditions.push({ OR: [{ expiresOn: { gt: expiresOn } }, { expiresOn, number: { gt: after.number } }] });
  }
  const rows = await db.credential.findMany({
    where: { AND: conditions },
    orderBy: [{ expiresOn: 'asc' }, { number: 'asc' }],
    // One more than asked tells whether there is a next page.
    take: limit + 1,
  });
  const items = rows.slice(0, limit).map(toSummary);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > limit && last ? encodeCursor({ expiresOn: last.expiresOn, number: last.number }) : null,
  };
}
