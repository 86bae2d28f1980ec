import { migrateIfNeeded, provideDatabase } from './lib/database';

// `npm run db:migrate` (and the compose `migrate` job): applies the committed migrations the
// configured (or default) database lacks; with none pending it does not start Prisma's CLI at all.
async function main(): Promise<void> {
  const db = await provideDatabase(process.env.DATABASE_NAME ?? 'recertify');
  const applied = await migrateIfNeeded(db.url);
  console.log(
    applied.length > 0
      ? `applied ${applied.length} migration(s) (${db.source}): ${applied.join(', ')}`
      : `database schema up to date (${db.source})`,
  );
  await db.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
