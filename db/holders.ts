import type { Db } from './client';
import type { Holder } from './types';

/** Personal data lives here and nowhere else. A repeat stores the latest name and e-mail. */
export async function saveHolder(db: Db, credentialNumber: string, holder: Holder): Promise<void> {
  const data = { name: holder.name, email: holder.email };
  await db.holder.upsert({
    where: { credentialNumber },
    create: { credentialNumber, ...data },
    update: data,
  });
}

export async function findHolder(db: Db, credentialNumber: string): Promise<Holder | null> {
  const row = await db.holder.findUnique({ where: { credentialNumber } });
  return row ? { name: row.name, email: row.email } : null;
}
