import { createHash } from 'node:crypto';
import type { CommandReceipt, CommandReceiptKey, Repository } from '../db/types';
import { AppError, errorBody } from './errors';
import type { RouteResult } from './registry';

// Idempotency-Key at the API: the first final outcome of a command is stored in PostgreSQL
// (db/command-receipts.ts, 30 days) and a retry with the same key and the same request gets it back,
// whether or not the credential renewed (a new workflow run) or closed in between. The workflow also
// remembers its update outcomes across continue-as-new (workflows/cycle/lifecycle.ts): see
// ARCHITECTURE.md, "Idempotency in two places".

/** Final outcomes: an answer the same request would always get. 409 (retry later) and 5xx are not. */
function isFinal(status: number): boolean {
  return (status >= 200 && status < 300) || status === 422;
}

/** JSON with object keys sorted, so the same request hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonical(request)).digest('hex');
}

/**
 * The store is PostgreSQL: when it fails the answer is 503, and the retry the client then sends with
 * its key is safe. A command already applied is found again by the workflow by its update id.
 */
async function orUnavailable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      'unavailable',
      'The database did not answer: send the same request with the same Idempotency-Key again shortly.',
      [],
      { 'Retry-After': '5' },
    );
  }
}

/** Header telling a client that this answer is the stored first outcome of its key. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/**
 * Runs a command once per (credential, operation, Idempotency-Key): a repeat of the same request
 * answers the stored first outcome; the same key with another request is a 422.
 */
export async function oncePerKey(
  repository: Repository,
  now: () => number,
  key: CommandReceiptKey,
  request: unknown,
  run: () => Promise<RouteResult>,
): Promise<RouteResult> {
  const hash = requestHash(request);
  const stored = await orUnavailable(repository.findCommandReceipt(key, now()));
  if (stored) return replay(key, hash, stored);
  let result: RouteResult;
  try {
    result = await run();
  } catch (err) {
    if (err instanceof AppError && isFinal(err.status)) {
      const response = { headers: {}, body: errorBody(err) };
      await save(repository, now, key, { requestHash: hash, status: err.status, response });
    }
    throw err;
  }
  if (!isFinal(result.status)) return result;
  const response = { headers: { ...result.headers }, body: result.body };
  const first = await save(repository, now, key, { requestHash: hash, status: result.status, response });
  // Two first tries with one key raced: the one stored first is the outcome of the key.
  return first.requestHash === hash ? result : replay(key, hash, first);
}

async function save(
  repository: Repository,
  now: () => number,
  key: CommandReceiptKey,
  receipt: Omit<CommandReceipt, 'createdAt'>,
): Promise<CommandReceipt> {
  return orUnavailable(repository.saveCommandReceipt(key, receipt, now()));
}

/** The stored outcome of the key, or a 422 when it was stored for another request. */
function replay(key: CommandReceiptKey, hash: string, stored: CommandReceipt): RouteResult {
  if (stored.requestHash !== hash) {
    throw new AppError(
      'rejected',
      `Idempotency-Key ${key.idempotencyKey} was already used on ${stored.createdAt} for a different ` +
        `${key.operation} request on credential ${key.credentialNumber}: send a new key with a new request.`,
      [
        {
          field: 'Idempotency-Key',
          code: 'idempotency_key_reused',
          message: 'already used for a different request',
        },
      ],
    );
  }
  return {
    status: stored.status,
    headers: { ...stored.response.headers, [REPLAYED_HEADER]: 'true' },
    body: stored.response.body,
  };
}
