import pg from 'pg';

// The hot paths (the projection, the reads that no longer ask the workflow) talk to PostgreSQL with
// node-postgres directly: Prisma's wasm query compiler costs 25-55% CPU there. Prisma keeps the
// migrations and the cold paths, over its own pool.

export type SqlPool = pg.Pool;

export interface SqlPoolOptions {
  /** Called once per statement sent (BEGIN and COMMIT included): feeds db_statements_total. */
  readonly onStatement?: () => void;
  readonly max?: number;
  /** How long a connection beyond the warm ones stays idle before it closes (pg's default: 10 s). */
  readonly idleTimeoutMillis?: number;
}

/**
 * Connections kept open however long the pool sits idle. pg closes every idle connection after its
 * idle timeout, so the first requests after a quiet spell paid a new connection (TCP, SCRAM
 * authentication) and planned the projection's statements again (they are prepared per connection).
 * Measured (8 quiet spells of 12 s): the first CEU report after one answered in 16-29 ms (median 27)
 * with none kept, 14-19 ms (median 16, as warm) with two.
 */
const WARM_CONNECTIONS = 2;

/** Beyond this many distinct statement texts, statements go unnamed (a bound, not an expected size). */
const MAX_NAMED_STATEMENTS = 2_000;

/**
 * Names each distinct parameterised statement text, so PostgreSQL parses, analyses and plans it once
 * per connection instead of on every execution. The projection's statements are CTEs costly to plan,
 * and their texts depend only on the event's shape, never on its values (bench: PostgreSQL's CPU per
 * enrolment and per fact). Names are per process and unique per text, as PostgreSQL requires per
 * connection. Statements without parameters (BEGIN, COMMIT) stay on the simple protocol.
 */
export function statementNamer(max = MAX_NAMED_STATEMENTS): (args: unknown[]) => unknown[] {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < max) {
      name = `recertify_${names.size + 1}`;
      names.set(text, name);
    }
    return name;
  };
  return (args) => {
    // pg's forms: (text, values, callback?) and (config, callback?); both become one named config.
    const [first, ...rest] = args;
    const fromText = typeof first === 'string';
    const config = (fromText ? { text: first, values: rest[0] } : first) as Record<string, unknown> | null;
    if (config === null || typeof config !== 'object' || 'submit' in config || 'name' in config) return args;
    if (typeof config.text !== 'string' || !Array.isArray(config.values)) return args;
    const name = nameOf(config.text);
    return name ? [{ ...config, name }, ...(fromText ? rest.slice(1) : rest)] : args;
  };
}

/** A pool whose clients name their statements (above) and report every statement they send. */
export function createSqlPool(connectionString: string, options: SqlPoolOptions = {}): SqlPool {
  const { onStatement, max = 10, idleTimeoutMillis } = options;
  const named = statementNamer();
  class RecertifyClient extends pg.Client {
    // pg's overloads make a typed override impractical; every form ends up here.
    override query(...args: unknown[]): never {
      onStatement?.();
      return (super.query as (...a: unknown[]) => never)(...named(args));
    }
  }
  const pool = new pg.Pool({
    connectionString,
    max,
    min: Math.min(WARM_CONNECTIONS, max),
    ...(idleTimeoutMillis === undefined ? {} : { idleTimeoutMillis }),
    // Every statement on this pool reaches its rows by a unique key. Without this, the planner
    // scans small tables, or tables whose statistics are stale after a bulk import, which is what
    // makes a fact's cost grow with the table; with it, an index is used whenever one applies.
    options: '-c enable_seqscan=off',
    Client: RecertifyClient,
  });
  // An idle client losing its connection (server restart) must not crash the process: the pool drops
  // it, and the next query reports the outage to its caller.
  pool.on('error', () => undefined);
  return pool;
}
