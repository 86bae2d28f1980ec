import type { SqlPool } from './sql-pool';
import type { RecordedReport, ReportKind, ReportOutcomePage, ReportOutcomeRecord } from './types';

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
 * How long an outcome must have been written before the feed shows it. `seq` is taken when a projection
 * transaction writes the row, and transactions commit in their own order: a row with a lower seq can
 * become visible after one with a higher seq. A reader whose cursor had already passed it would never
 * see it. Rows are shown once they are older than this, by which time every transaction that took a
 * lower seq has committed (a projection transaction lasts milliseconds; it has no reason to last seconds).
 */
export const FEED_SETTLE_MS = 2_000;

export interface ReportOutcomeFeedFilter {
  /** One reporter's outcomes (an API key id), or everyone's (null: ops). */
  readonly reportedById: string | null;
  /** A decimal seq ("0" for the start): outcomes changed after it. */
  readonly afterSeq: string;
  readonly limit: number;
  /** Show only outcomes written at least this long ago (default FEED_SETTLE_MS); 0 shows all. */
  readonly settleMs?: number;
}

/**
 * Outcomes changed after `afterSeq`, oldest change first: one range scan of (reported_by_id, seq), or
 * of seq for everyone's. Pass the last item's seq back as the next cursor.
 */
export async function reportOutcomeFeed(
  pool: SqlPool,
  { reportedById, afterSeq, limit, settleMs = FEED_SETTLE_MS }: ReportOutcomeFeedFilter,
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
  const settled = settleMs > 0 ? `AND updated_at < now() - make_interval(secs => ${settleMs / 1000})` : '';
  const { rows } =
    reportedById === null
      ? await pool.query<Row>(
          `SELECT ${COLUMNS} FROM report_outcomes
            WHERE seq > $1::bigint ${settled}
            ORDER BY seq LIMIT $2`,
          [afterSeq, take],
        )
      : await pool.query<Row>(
          `SELECT ${COLUMNS} FROM report_outcomes
            WHERE reported_by_id = $1 AND seq > $2::bigint ${settled}
            ORDER BY seq LIMIT $3`,
          [reportedById, afterSeq, take],
        );
  const items = rows.map(toRecord);
  return { items, nextCursor: items.length === take ? (items[items.length - 1]?.seq ?? null) : null };
}

/**
 * A reporter's outcomes changed after `afterSeq` (a decimal string; "0" for the start), oldest change
 * first, as written (no settling: for tests and tools that read after the writes they wait for).
 */
export function reportOutcomesFor(
  pool: SqlPool,
  reportedById: string,
  afterSeq: string,
  limit: number,
): Promise<ReportOutcomePage> {
  return reportOutcomeFeed(pool, { reportedById, afterSeq, limit, settleMs: 0 });
}

/** The facts a report recorded (the first report of them), by what identifies it; null when none. */
export async function recordedReport(
  pool: SqlPool,
  credentialNumber: string,
  kind: ReportKind,
  source: string,
  externalId: string,
): Promise<RecordedReport | null> {
  if (kind === 'ceu') {
    const { rows } = await pool.query<{
      course: string;
      units: number;
      completed_on: string;
      approved: boolean;
    }>(
      `SELECT course, units, to_char(completed_on, 'YYYY-MM-DD') AS completed_on, approved
         FROM ceu_records WHERE credential_number = $1 AND provider = $2 AND completion_id = $3`,
      [credentialNumber, source, externalId],
    );
    const row = rows[0];
    return row
      ? {
          kind: 'ceu',
          provider: source,
          completionId: externalId,
          course: row.course,
          units: row.units,
          completedOn: row.completed_on,
          approved: row.approved,
        }
      : null;
  }
  const { rows } = await pool.query<{ issued_on: string; expires_on: string; hands_on: boolean }>(
    `SELECT to_char(issued_on, 'YYYY-MM-DD') AS issued_on, to_char(expires_on, 'YYYY-MM-DD') AS expires_on,
            hands_on
       FROM cpr_aed_certifications WHERE credential_number = $1 AND certification_id = $2`,
    [credentialNumber, externalId],
  );
  const row = rows[0];
  return row
    ? {
        kind: 'cpr_aed',
        certificationId: externalId,
        issuedOn: row.issued_on,
        expiresOn: row.expires_on,
        handsOn: row.hands_on,
      }
    : null;
}
