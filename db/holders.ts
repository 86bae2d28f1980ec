import type { Db } from './client';
import type { Holder } from './types';

/**
 * Personal data lives here and nowhere else. The first enrolment's holder stays: a repeated
 * enrolment (anyone who knows the public number, date and policy) must not redirect reminders.
 */
export async function saveHolder(db: Db, credentialNumber: string, holder: Holder): Promise<void> {
  await db.holder.upsert({
    where: { credentialNumber },
    create: { credentialNumber, name: holder.name, email: holder.email },
    update: {},
  });
}

export async function findHolder(db: Db, credentialNumber: string): Promise<Holder | null> {
  const row = await db.holder.findUnique({ where: { credentialNumber } });
  return row ? { name: row.name, email: row.email } : null;
}
