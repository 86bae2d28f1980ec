import type { RequestHandler } from 'express';
import type { ApiKeyRecord, ApiRole } from '../db/types';
import type { Actor } from '../workflows/contract';
import { AppError } from './errors';

const REALM = 'Bearer realm="recertify"';

/** The authenticated caller, set by `authenticate` for the route handler. */
export interface Authenticated {
  actor: Actor;
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer +([\x21-\x7e]{1,512})\s*$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/**
 * `Authorization: Bearer <token>` looked up (by hash, through api-key-cache.ts); 401 without a known
 * key, 403 when the key's role is not among `roles`. The actor is the key's role and id: no person.
 */
export function authenticate(
  findApiKey: (token: string) => Promise<ApiKeyRecord | null>,
  roles: readonly ApiRole[],
): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.get('authorization'));
    if (!token) {
      throw new AppError('unauthorized', 'Send an API key: Authorization: Bearer <token>.', [], {
        'WWW-Authenticate': REALM,
      });
    }
    const key = await findApiKey(token);
    if (!key) {
      throw new AppError('unauthorized', 'The API key is unknown or revoked.', [], {
        'WWW-Authenticate': `${REALM}, error="invalid_token"`,
      });
    }
    if (!roles.includes(key.role)) {
      throw new AppError(
        'forbidden',
        `This operation needs an API key with the role ${roles.join(' or ')}; yours is ${key.role}.`,
      );
    }
    (res.locals as Partial<Authenticated>).actor = { kind: key.role, id: key.id };
    next();
  };
}
