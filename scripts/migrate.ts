import { migrate, provideDatabase } from './lib/database';

// `npm run db:migrate`: applies the committed migrations to the configured (or default) database.
async function main(): Promise<void> {
  const db = await provideDatabase(process.env.DATABASE_NAME ?? 'recertify');
  await migrate(db.url);
  console.log(`migrations applied (${db.source})`);
  await db.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
