import type { Db } from './client';
import type { Holder } from './types';

/** Personal data lives here and nowhere else. A repeat stores the latest name and e-mail. */
export async function saveHolder(db: Db, credentialNumber: string, holder: Holder): Promise<void> {
  const data = { name: holder.name, email: holder.email };
  await db.holder.upsert({ where: { credentialNumber }, create: { credentialNumber, ...data }, update: data });
}
