import pg from 'pg';
import { provideFreshDatabase } from '../../scripts/lib/database';

// The test setup and the benchmark recreate a database of their own: never the one DATABASE_URL names.
describe('provideFreshDatabase', () => {
  const suiteUrl = process.env.DATABASE_URL;
  const keep = new URL(suiteUrl ?? 'postgresql://localhost/none');
  keep.pathname = '/recertify_keep_check';

  async function admin<T>(fn: (client: pg.Client) => Promise<T>, database = '/postgres'): Promise<T> {
    const url = new URL(keep);
    url.pathname = database;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  afterAll(async () => {
    process.env.DATABASE_URL = suiteUrl;
    await admin((c) => c.query('DROP DATABASE IF EXISTS recertify_keep_check WITH (FORCE)'));
    await admin((c) => c.query('DROP DATABASE IF EXISTS recertify_fresh_check WITH (FORCE)'));
  });

  it('when DATABASE_URL names another database, then that one is left alone and the fresh one is returned', async () => {
    await admin((c) => c.query('DROP DATABASE IF EXISTS recertify_keep_check WITH (FORCE)'));
    await admin((c) => c.query('CREATE DATABASE recertify_keep_check'));
    await admin(
      (c) => c.query('CREATE TABLE precious (id int); INSERT INTO precious VALUES (1)'),
      keep.pathname,
    );
    process.env.DATABASE_URL = keep.toString();

    const fresh = await provideFreshDatabase('recertify_fresh_check');

    expect(new URL(fresh.url).pathname).toBe('/recertify_fresh_check');
    const kept = await admin((c) => c.query('SELECT count(*)::int AS n FROM precious'), keep.pathname);
    expect(kept.rows[0]).toEqual({ n: 1 });
    const migrated = await admin(
      (c) => c.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'credentials'"),
      '/recertify_fresh_check',
    );
    expect(migrated.rows[0]).toEqual({ n: 1 });
  });
});
