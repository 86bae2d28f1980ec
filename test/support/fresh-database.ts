import pg from 'pg';

// Every test file starts from empty tables, so files pass in any order (Jest orders them by past
// timings, which differ between a cold and a warm run). The policy versions the migration seeded are
// reference data and stay; versions a test added go.
beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL missing: the project sets it in global setup');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', 'policy_versions')",
    );
    const tables = rows.map((r) => `"${r.tablename}"`).join(', ');
    if (tables) await client.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
    await client.query("DELETE FROM policy_versions WHERE created_by <> 'migration'");
  } finally {
    await client.end();
  }
});
