import { LRUCache } from 'lru-cache';
import type { ApiKeyRecord, Repository } from '../db/types';

/** How long a process trusts a key it looked up: a key revoked in the database is refused once it has passed. */
export const API_KEY_TTL_MS = 10_000;
/** Keys held at most (a few per integrating service); the least recently used goes first. */
const MAX_KEYS = 1_000;

/**
 * Every authenticated request names its key: one lookup per key per API_KEY_TTL_MS instead of one
 * statement per request (the CEU report's hot path). Only known keys are kept, so unknown tokens
 * cannot fill the cache, and a failed lookup (PostgreSQL down) is never kept.
 */
export function apiKeyCache(repository: Pick<Repository, 'findApiKey'>, now: () => number) {
  const known = new LRUCache<string, ApiKeyRecord>({
    max: MAX_KEYS,
    ttl: API_KEY_TTL_MS,
    // The injected clock, read on every check (so tests can pass the TTL).
    perf: { now },
    ttlResolution: 0,
    // Concurrent requests with a key not looked up yet share one lookup; undefined is not kept.
    fetchMethod: async (token) => (await repository.findApiKey(token)) ?? undefined,
  });
  return async (token: string): Promise<ApiKeyRecord | null> => (await known.fetch(token)) ?? null;
}
