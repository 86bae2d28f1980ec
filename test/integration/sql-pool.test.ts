import { recordEvents } from '../../db/record-events';
import { createSqlPool, type SqlPool, statementNamer } from '../../db/sql-pool';
import { batch, ceuReported, course, cycleStarted, snapshot } from '../support/projection-events';

// The hot path's pool names its parameterised statements so PostgreSQL parses and plans each text
// once per connection (the projection's CTEs are costly to plan). What it must keep: every statement
// means what it says, errors are PostgreSQL's own, and a connection stays usable after them.

let pool: SqlPool;

beforeEach(() => {
  // One connection, so what a statement prepared is visible to the next one.
  pool = createSqlPool(process.env.DATABASE_URL as string, { max: 1 });
});
afterEach(async () => {
  await pool.end();
});

async function prepared(): Promise<{ name: string; statement: string }[]> {
  // No parameters: sent on the simple protocol, so this lookup prepares nothing itself.
  const { rows } = await pool.query<{ name: string; statement: string }>(
    'SELECT name, statement FROM pg_prepared_statements ORDER BY name',
  );
  return rows;
}

describe('the hot path pool, against PostgreSQL', () => {
  it('when it sits idle past its idle timeout, then it keeps two connections open, their statements still prepared', async () => {
    const idle = createSqlPool(process.env.DATABASE_URL as string, { max: 4, idleTimeoutMillis: 50 });
    try {
      const text = 'SELECT pg_backend_pid() AS pid, $1::int AS n';
      // Four at once: four connections, each with the statement prepared.
      const busy = await Promise.all(
        [1, 2, 3, 4].map(async (n) => (await idle.query<{ pid: number }>(text, [n])).rows[0]?.pid),
      );
      expect(new Set(busy).size).toBe(4);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(idle.totalCount).toBe(2);
      const after = (await idle.query<{ pid: number }>(text, [5])).rows[0]?.pid;
      expect(busy).toContain(after);
      const { rows } = await idle.query<{ count: string }>(
        'SELECT count(*) AS count FROM pg_prepared_statements WHERE statement = $1',
        [text],
      );
      expect(rows[0]?.count).toBe('1');
    } finally {
      await idle.end();
    }
  });

  it('when a statement with parameters is sent twice, then the connection holds it prepared once, by name', async () => {
    const text = 'SELECT $1::int + 1 AS n';
    expect((await pool.query<{ n: number }>(text, [1])).rows[0]?.n).toBe(2);
    expect((await pool.query<{ n: number }>(text, [41])).rows[0]?.n).toBe(42);
    const statements = await prepared();
    expect(statements).toEqual([{ name: expect.stringMatching(/^recertify_\d+$/), statement: text }]);
  });

  it('when events of two credentials are recorded, then their statements are prepared once and reused', async () => {
    const start = '2026-01-10';
    const record = (n: string) =>
      recordEvents(pool, batch([cycleStarted(n, start)], { snapshot: snapshot(), phase: 'Active' }));
    await record('SP-1');
    const afterFirst = await prepared();
    expect(afterFirst.filter((s) => s.statement.startsWith('WITH ev AS'))).toHaveLength(1);
    await record('SP-2');
    expect(await prepared()).toEqual(afterFirst);
    const { rows } = await pool.query<{ number: string }>(
      "SELECT number FROM credentials WHERE number LIKE 'SP-%' ORDER BY number",
      [],
    );
    expect(rows.map((r) => r.number)).toEqual(['SP-1', 'SP-2']);
  });

  it('when a batch runs in a transaction, then BEGIN and COMMIT are not prepared (no parameters)', async () => {
    const n = 'SP-3';
    await recordEvents(
      pool,
      batch(
        [cycleStarted(n, '2026-01-10'), ceuReported(n, course('A1', 10, '2026-02-01'), '2026-02-02', 10)],
        { snapshot: snapshot(), phase: 'Active' },
      ),
    );
    const texts = (await prepared()).map((s) => s.statement);
    expect(texts.length).toBeGreaterThanOrEqual(2);
    expect(texts).not.toContain('BEGIN');
    expect(texts).not.toContain('COMMIT');
  });

  it("when a prepared statement fails on its values, then the error is PostgreSQL's and the connection goes on", async () => {
    const text = 'SELECT 10 / $1::int AS q';
    await expect(pool.query(text, [0])).rejects.toMatchObject({ code: '22012' });
    await expect(pool.query(text, [0])).rejects.toMatchObject({ code: '22012' });
    expect((await pool.query<{ q: number }>(text, [5])).rows[0]?.q).toBe(2);
  });

  it('when a statement was first prepared in a transaction that rolled back, then it is still usable after', async () => {
    const text = 'SELECT $1::text AS said';
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(text, ['inside']);
      await client.query('ROLLBACK');
      expect((await client.query<{ said: string }>(text, ['after'])).rows[0]?.said).toBe('after');
    } finally {
      client.release();
    }
  });
});

describe('statementNamer', () => {
  it('when texts repeat, then each distinct text has one name of its own', () => {
    const name = statementNamer();
    const first = name(['SELECT $1', [1]])[0] as { name: string };
    const again = name([{ text: 'SELECT $1', values: [2] }])[0] as { name: string };
    const other = name(['SELECT $1, 1', [1]])[0] as { name: string };
    expect(again.name).toBe(first.name);
    expect(other.name).not.toBe(first.name);
  });

  it('when past its bound, a statement without parameters, or one already named, then the query is left as sent', () => {
    const name = statementNamer(1);
    name(['SELECT $1', [1]]);
    const beyond = ['SELECT $1, 2', [1]];
    expect(name(beyond)).toBe(beyond);
    const plain = ['BEGIN'];
    expect(name(plain)).toBe(plain);
    const alreadyNamed = [{ text: 'SELECT $1', values: [1], name: 'mine' }];
    expect(name(alreadyNamed)).toBe(alreadyNamed);
    const submittable = [{ text: 'SELECT $1', values: [1], submit: () => undefined }];
    expect(name(submittable)).toBe(submittable);
  });
});
