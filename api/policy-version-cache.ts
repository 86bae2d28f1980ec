import type { Repository } from '../db/types';
import type { Policy } from '../rules/types';
import { AppError } from './errors';

/** How long a process reuses a policy's versions before reading them again. */
const TTL_MS = 10_000;

/**
 * Policy versions change rarely (ops add one from a future date), and every enrolment needs them:
 * read once per policy per TTL_MS. A version added elsewhere is seen within that time; a running
 * credential gets it by signal (the fan-out), so a start that misses it by a few seconds still does.
 * Not lru-cache like api-key-cache.ts: its delete aborts a lookup in flight (a concurrent enrolment
 * would fail), while `forget` must only drop the entry and let that lookup finish for its caller.
 */
export function policyVersionCache(repository: Pick<Repository, 'policyVersions'>, now: () => number) {
  const cache = new Map<string, { at: number; versions: Promise<Policy[]> }>();
  const read = (policyId: string): Promise<Policy[]> => {
    const hit = cache.get(policyId);
    if (hit && now() - hit.at < TTL_MS) return hit.versions;
    const versions = repository.policyVersions(policyId).then((found) => {
      if (found.length === 0) {
        cache.delete(policyId);
        throw new AppError('validation_failed', `Unknown policy ${policyId}.`, [
          { field: 'policyId', message: `no versions of policy ${policyId} are known` },
        ]);
      }
      return found;
    });
    void versions.catch(() => cache.delete(policyId));
    cache.set(policyId, { at: now(), versions });
    return versions;
  };
  /** Forgets a policy's versions (ops added one through this process). */
  const forget = (policyId: string): void => {
    cache.delete(policyId);
  };
  return Object.assign(read, { forget });
}
