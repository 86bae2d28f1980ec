import { provideFreshDatabase } from '../../scripts/lib/database';

// One fresh, migrated database per run of the database suites; the URL reaches the test files
// through the environment (workers start after global setup).
export default async function globalSetup(): Promise<void> {
  const db = await provideFreshDatabase(process.env.TEST_DATABASE_NAME ?? 'recertify_test');
  process.env.DATABASE_URL = db.url;
  (globalThis as { __stopTestDatabase?: () => Promise<void> }).__stopTestDatabase = db.stop;
}
