import type { SqlPool } from './sql-pool';
import type { ReportKind, ReportOutcomePage, ReportOutcomeRecord } from './types';

// What became of each reported course or certification, for the provider that reported it. Written by
// the projection (db/event-statements.ts); read here by primary key or by the reporter's seq cursor.

const MAX_PAGE = 500;

interface Row {
  credential_number: string;
  kind: ReportKind;
  source: string;
  external_id: string;
  outcome: ReportOutcomeRecord['outcome'];
  reason_code: string | null;
  message: string | null;
  reported_by_kind: ReportOutcomeRecord['reportedBy']['kind'];
  reported_by_id: string;
  event_key: string;
  seq: string;
  updated_at: Date;
}

const COLUMNS = `credential_number, kind, source, external_id, outcome, reason_code, message, reported_by_kind,
                 reported_by_id, event_key, seq::text AS seq, updated_at`;

function toRecord(row: Row): ReportOutcomeRecord {
  return {
    credentialNumber: row.credential_number,
    kind: row.kind,
    source: row.source,
    externalId: row.external_id,
    outcome: row.outcome,
    reasonCode: row.reason_code,
    message: row.message,
    reportedBy: { kind: row.reported_by_kind, id: row.reported_by_id },
    eventKey: row.event_key,
    seq: row.seq,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The outcome of one report, by what identifies it: one index lookup. */
export async function reportOutcome(
  pool: SqlPool,
  credentialNumber: string,
  kind: ReportKind,
  source: string,
  externalId: string,
): Promise<ReportOutcomeRecord | null> {
  const { rows } = await pool.query<Row>(
    `SELECT ${COLUMNS} FROM report_outcomes
      WHERE credential_number = $1 AND kind = $2::"ReportKind" AND source = $3 AND external_id = $4`,
    [credentialNumber, kind, source, externalId],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * A reporter's outcomes changed after `afterSeq` (a decimal string; "0" for the start), oldest change
 * first: one range scan of (reported_by_id, seq). Pass the last item's seq back as the next cursor.
 */
export async function reportOutcomesFor(
  pool: SqlPool,
  reportedById: string,
  afterSeq: string,
  limit: number,
): Promise<ReportOutcomePage> {
  if (!/^\d{1,19}$/.test(afterSeq)) {
    throw new RangeError(
      `Invalid cursor ${JSON.stringify(afterSeq)}: expected the seq of an earlier outcome.`,
    );
  }
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`Invalid page size ${limit}: expected a whole number from 1.`);
  }
  const take = Math.min(limit, MAX_PAGE);
  const { rows } = await pool.query<Row>(
    `SELECT ${COLUMNS} FROM report_outcomes
      WHERE reported_by_id = $1 AND seq > $2::bigint
      ORDER BY seq LIMIT $3`,
    [reportedById, afterSeq, take],
  );
  const items = rows.map(toRecord);
  return { items, nextCursor: items.length === take ? (items[items.length - 1]?.seq ?? null) : null };
}
