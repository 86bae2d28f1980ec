import type pg from 'pg';
import type { SqlPool } from '../../db/sql-pool';

// What one database operation costs, measured inside a transaction that is then rolled back:
// statements sent, and tuples read, fetched, inserted, updated and deleted by this session
// (pg_stat_xact_user_tables), with its sequential scans. The session's counters also hold earlier
// work not yet flushed to the shared statistics, so the cost is the difference around the operation.

export interface Cost {
  readonly statements: number;
  readonly tuples: number;
  readonly seqScans: number;
}

const STATS = `SELECT coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) + n_tup_ins + n_tup_upd + n_tup_del), 0) AS tuples,
                      coalesce(sum(coalesce(seq_scan, 0)), 0) AS seq_scans
                 FROM pg_stat_xact_user_tables`;

async function stats(client: pg.PoolClient): Promise<{ tuples: number; seqScans: number }> {
  const { rows } = await client.query<{ tuples: string; seq_scans: string }>(STATS);
  return { tuples: Number(rows[0]?.tuples), seqScans: Number(rows[0]?.seq_scans) };
}

/** Runs `operation` on a pool that counts its statements and sends them on `client`; then rolls back. */
export async function costOf<T>(
  client: pg.PoolClient,
  operation: (pool: SqlPool) => Promise<T>,
  check: (result: T) => void,
): Promise<Cost> {
  let statements = 0;
  const counted = {
    query: (...args: Parameters<pg.PoolClient['query']>) => {
      statements += 1;
      return (client.query as (...a: unknown[]) => unknown)(...args);
    },
  } as unknown as SqlPool;
  await client.query('BEGIN');
  try {
    const before = await stats(client);
    const result = await operation(counted);
    const after = await stats(client);
    check(result);
    return { statements, tuples: after.tuples - before.tuples, seqScans: after.seqScans - before.seqScans };
  } finally {
    await client.query('ROLLBACK');
  }
}
