import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from './client';
import type { ApiKeyRecord, ApiRole } from './types';

// Bearer tokens are shown once; only their sha256 is stored, so a database leak reveals no token.
const TOKEN_PREFIX = 'rk_';

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export async function createApiKey(
  db: Db,
  role: ApiRole,
  label: string,
): Promise<{ id: string; token: string }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  await db.apiKey.create({ data: { id, role, label, tokenHash: hashToken(token) } });
  return { id, token };
}

export async function findApiKey(db: Db, token: string): Promise<ApiKeyRecord | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db.apiKey.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.revokedAt) return null;
  return { id: row.id, role: row.role, label: row.label };
}
