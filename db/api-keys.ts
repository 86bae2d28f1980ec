import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from './client';
import type { SqlPool } from './sql-pool';
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

/** Every authenticated request asks: one statement by the token's hash, off Prisma's query compiler. */
export async function findApiKey(pool: SqlPool, token: string): Promise<ApiKeyRecord | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const { rows } = await pool.query<{ id: string; role: ApiRole; label: string }>(
    'SELECT id, role::text AS role, label FROM api_keys WHERE token_hash = $1 AND revoked_at IS NULL',
    [hashToken(token)],
  );
  const row = rows[0];
  return row ? { id: row.id, role: row.role, label: row.label } : null;
}
