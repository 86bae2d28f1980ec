import { parseArgs } from 'node:util';
import { createDb } from '../db/client';
import { createRepository } from '../db/repository';
import type { ApiRole } from '../db/types';
import { migrateIfNeeded, provideDatabase } from './lib/database';

// `tsx scripts/create-api-key.ts --role ops --label "Ops desk"`: creates an API key and prints its
// token once. Only the token's sha256 is stored, so a lost token is replaced, never recovered.
// It migrates only a database that needs it (a first key on a fresh database), so it takes a moment.

const ROLES: readonly ApiRole[] = ['service', 'portal', 'ops'];
const USAGE = `usage: create-api-key --role <${ROLES.join('|')}> --label "<who uses it>"`;

function parse(): { role: ApiRole; label: string } {
  const { values } = parseArgs({ options: { role: { type: 'string' }, label: { type: 'string' } } });
  const role = ROLES.find((r) => r === values.role);
  const label = values.label?.trim();
  if (!role || !label) throw new Error(USAGE);
  return { role, label };
}

async function main(): Promise<void> {
  const { role, label } = parse();
  const database = await provideDatabase(process.env.DATABASE_NAME ?? 'recertify');
  const applied = await migrateIfNeeded(database.url);
  console.error(
    applied.length > 0
      ? `applied ${applied.length} pending migration(s): ${applied.join(', ')}`
      : 'database schema up to date',
  );
  const repository = createRepository(createDb(database.url));
  try {
    const { id, token } = await repository.createApiKey(role, label);
    console.error(`created ${role} key ${id} (${label}). The token below is shown only this once:`);
    console.log(token);
  } finally {
    await repository.close();
    await database.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
