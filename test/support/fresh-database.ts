import pg from 'pg';

// Every test file starts from empty tables, so files pass in any order (Jest orders them by past
// timings, which differ between a cold and a warm run).
beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL missing: the project sets it in global setup');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
    );
    const tables = rows.map((r) => `"${r.tablename}"`).join(', ');
    if (tables) await client.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
  } finally {
    await client.end();
  }
});
