import type { Db } from './client';
import type { SqlPool } from './sql-pool';
import type { Holder } from './types';

/**
 * Personal data lives here and nowhere else. The first enrolment's holder stays: a repeated
 * enrolment (anyone who knows the public number, date and policy) must not redirect reminders.
 * One statement on the hot path (enrolment, bulk import), off Prisma's query compiler.
 */
export async function saveHolder(pool: SqlPool, credentialNumber: string, holder: Holder): Promise<void> {
  await pool.query(
    `INSERT INTO holders (credential_number, name, email, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (credential_number) DO NOTHING`,
    [credentialNumber, holder.name, holder.email],
  );
}

export async function findHolder(db: Db, credentialNumber: string): Promise<Holder | null> {
  const row = await db.holder.findUnique({ where: { credentialNumber } });
  return row ? { name: row.name, email: row.email } : null;
}
