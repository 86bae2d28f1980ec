import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type Db = PrismaClient;

// Which database each client talks to, so the repository can open its node-postgres pool beside it.
const connectionStrings = new WeakMap<Db, string>();

/** A Prisma client over node-postgres: no native query engine involved. */
export function createDb(connectionString: string): Db {
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  connectionStrings.set(db, connectionString);
  return db;
}

export function connectionStringOf(db: Db): string {
  const url = connectionStrings.get(db);
  if (!url) throw new Error('This Prisma client was not made by createDb: pass the repository a pool.');
  return url;
}
