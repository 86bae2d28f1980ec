import pg from 'pg';

// The hot paths (the projection, the reads that no longer ask the workflow) talk to PostgreSQL with
// node-postgres directly: Prisma's wasm query compiler costs 25-55% CPU there. Prisma keeps the
// migrations and the cold paths, over its own pool.

export type SqlPool = pg.Pool;

export interface SqlPoolOptions {
  /** Called once per statement sent (BEGIN and COMMIT included): feeds db_statements_total. */
  readonly onStatement?: () => void;
  readonly max?: number;
}

/** A pool whose clients report every statement they send. */
export function createSqlPool(connectionString: string, options: SqlPoolOptions = {}): SqlPool {
  const { onStatement, max = 10 } = options;
  class CountingClient extends pg.Client {
    // pg's overloads make a typed override impractical; every form ends up here.
    override query(...args: unknown[]): never {
      onStatement?.();
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max,
    // Every statement on this pool reaches its rows by a unique key. Without this, the planner
    // scans small tables, or tables whose statistics are stale after a bulk import, which is what
    // makes a fact's cost grow with the table; with it, an index is used whenever one applies.
    options: '-c enable_seqscan=off',
    ...(onStatement ? { Client: CountingClient } : {}),
  });
  // An idle client losing its connection (server restart) must not crash the process: the pool drops
  // it, and the next query reports the outage to its caller.
  pool.on('error', () => undefined);
  return pool;
}
