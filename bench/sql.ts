import type pg from 'pg';
import { sleep } from './processes';
import { DB_ROLES, type Stack } from './stack';

// SQL per operation: statements from pg_stat_statements (per process, by its database role), and
// tuples read/written from pg_stat_user_tables deltas. Table statistics reach the shared view up to
// 10 s after a backend's last transaction (PGSTAT_IDLE_INTERVAL), hence the waits around each batch.

const STATS_FLUSH_MS = 11_000;
const TX_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START TRANSACTION|SET TRANSACTION)\b/i;

interface TableStats {
  readonly live: Record<string, number>;
  readonly tables: Record<string, { read: number; written: number; seqScan: number }>;
  readonly seqScan: number;
  readonly tuplesRead: number;
  readonly tuplesWritten: number;
}

export interface SqlFigures {
  readonly operation: string;
  readonly operations: number;
  /** Table rows (credentials) and CEU rows when measured. */
  readonly tableSize: { credentials: number; ceuRecords: number };
  /** Per operation, over all processes; null when pg_stat_statements is not available. */
  readonly statements: number | null;
  readonly statementsWithoutTxControl: number | null;
  readonly byProcess: Record<
    string,
    { statements: number; txControl: number; rows: number; buffers: number }
  > | null;
  /** Rows returned or affected, and shared buffers touched (pg_stat_statements), per operation. */
  readonly rows: number | null;
  readonly buffers: number | null;
  /** From pg_stat_user_tables, per operation: seq_tup_read + idx_tup_fetch, inserted + updated + deleted. */
  readonly tuplesRead: number | null;
  readonly tuplesWritten: number | null;
  readonly seqScans: number | null;
  /**
   * Record rows each answer lists, per operation (reads only): a read that returns a credential's
   * records touches at least those rows, so growth is judged on the tuples beyond them.
   */
  readonly rowsListed?: number | null;
  /** The same by table (tables the operation touched). */
  readonly byTable: Record<string, { read: number; written: number; seqScans: number }> | null;
  /** The statements themselves (calls per operation), most frequent first. */
  readonly top: { process: string; calls: number; query: string }[];
}

/** Sums over the product's tables; row counts from the statistics too (a count(*) would be a read). */
async function tableStats(admin: pg.Client): Promise<TableStats> {
  const { rows } = await admin.query<{
    relname: string;
    seq_scan: string;
    read: string;
    written: string;
    live: string;
  }>(`
    SELECT relname, seq_scan, seq_tup_read + coalesce(idx_tup_fetch, 0) AS read,
           n_tup_ins + n_tup_upd + n_tup_del AS written, n_live_tup AS live
    FROM pg_stat_user_tables`);
  const sum = (f: (r: (typeof rows)[number]) => string) => rows.reduce((s, r) => s + Number(f(r)), 0);
  return {
    live: Object.fromEntries(rows.map((r) => [r.relname, Number(r.live)])),
    tables: Object.fromEntries(
      rows.map((r) => [
        r.relname,
        { read: Number(r.read), written: Number(r.written), seqScan: Number(r.seq_scan) },
      ]),
    ),
    seqScan: sum((r) => r.seq_scan),
    tuplesRead: sum((r) => r.read),
    tuplesWritten: sum((r) => r.written),
  };
}

interface StatementRow {
  role: string;
  query: string;
  calls: string;
  rows: string;
  buffers: string;
}

async function statements(admin: pg.Client): Promise<StatementRow[]> {
  const { rows } = await admin.query<StatementRow>(
    `SELECT r.rolname AS role, s.query, s.calls, s.rows, s.shared_blks_hit + s.shared_blks_read AS buffers
     FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
     WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND r.rolname = ANY($1)`,
    [Object.values(DB_ROLES)],
  );
  return rows;
}

/** Waits for table statistics of earlier work to be flushed (call once before the first batch). */
export const settleStatistics = () => sleep(STATS_FLUSH_MS);

/**
 * Runs `operations` operations (`run` returns when they are done end to end and the stack is idle)
 * and returns what they cost in SQL. Expects the statistics to be settled before; settles them after.
 */
export async function measureSql(
  stack: Stack,
  operation: string,
  operations: number,
  run: () => Promise<void>,
  options: { tuples: boolean },
): Promise<SqlFigures> {
  const { admin } = stack;
  const counting = stack.database.statements;
  const before = await tableStats(admin);
  if (counting) await admin.query('SELECT pg_stat_statements_reset()');
  await run();
  const statementRows = counting ? await statements(admin) : [];
  if (options.tuples) await settleStatistics();
  const after = await tableStats(admin);
  const per = (n: number) => n / operations;
  const byTable: Record<string, { read: number; written: number; seqScans: number }> = {};
  for (const [table, a] of Object.entries(after.tables)) {
    const b = before.tables[table] ?? { read: 0, written: 0, seqScan: 0 };
    const delta = {
      read: per(a.read - b.read),
      written: per(a.written - b.written),
      seqScans: per(a.seqScan - b.seqScan),
    };
    if (delta.read !== 0 || delta.written !== 0 || delta.seqScans !== 0) byTable[table] = delta;
  }

  const processOf = (role: string) => Object.entries(DB_ROLES).find(([, r]) => r === role)?.[0] ?? role;
  const byProcess: Record<string, { statements: number; txControl: number; rows: number; buffers: number }> =
    {};
  let total = 0;
  let txControl = 0;
  let rows = 0;
  let buffers = 0;
  for (const s of statementRows) {
    const p = (byProcess[processOf(s.role)] ??= { statements: 0, txControl: 0, rows: 0, buffers: 0 });
    const calls = Number(s.calls);
    const tx = TX_CONTROL.test(s.query) ? calls : 0;
    p.statements += per(calls);
    p.txControl += per(tx);
    p.rows += per(Number(s.rows));
    p.buffers += per(Number(s.buffers));
    total += calls;
    txControl += tx;
    rows += Number(s.rows);
    buffers += Number(s.buffers);
  }
  return {
    operation,
    operations,
    tableSize: { credentials: after.live.credentials ?? 0, ceuRecords: after.live.ceu_records ?? 0 },
    statements: counting ? per(total) : null,
    statementsWithoutTxControl: counting ? per(total - txControl) : null,
    byProcess: counting ? byProcess : null,
    rows: counting ? per(rows) : null,
    buffers: counting ? per(buffers) : null,
    tuplesRead: options.tuples ? per(after.tuplesRead - before.tuplesRead) : null,
    tuplesWritten: options.tuples ? per(after.tuplesWritten - before.tuplesWritten) : null,
    seqScans: options.tuples ? per(after.seqScan - before.seqScan) : null,
    byTable: options.tuples ? byTable : null,
    top: statementRows
      .map((s) => ({
        process: processOf(s.role),
        calls: per(Number(s.calls)),
        query: s.query.replace(/\s+/g, ' ').slice(0, 300),
      }))
      .sort((a, b) => b.calls - a.calls),
  };
}
