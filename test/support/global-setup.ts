import pg from 'pg';
import { migrate, provideDatabase } from '../../scripts/lib/database';

// One fresh, migrated database per run of the integration suites; the URL reaches the test files
// through the environment (workers start after global setup).
export default async function globalSetup(): Promise<void> {
  const name = process.env.TEST_DATABASE_NAME ?? 'recertify_test';
  const db = await provideDatabase(name);
  const admin = new URL(db.url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  await migrate(db.url);
  process.env.DATABASE_URL = db.url;
  (globalThis as { __stopTestDatabase?: () => Promise<void> }).__stopTestDatabase = db.stop;
}
