export interface RetryPolicy {
  /** Delay after the first failure; each further failure doubles it. */
  readonly baseMs: number;
  readonly capMs: number;
  /** Failed attempts after which a row is dead-lettered. */
  readonly maxAttempts: number;
}

/** 30 s, 1, 2, 4 … min, capped at 1 h: ten attempts ride out about three hours of an outage. */
export const DEFAULT_RETRY: RetryPolicy = { baseMs: 30_000, capMs: 3_600_000, maxAttempts: 10 };

/** When to try again after `attempts` failures (1 = the first failure); null: give up. */
export function nextAttemptAt(now: number, attempts: number, retry: RetryPolicy): number | null {
  if (attempts >= retry.maxAttempts) return null;
  const delay = Math.min(retry.capMs, retry.baseMs * 2 ** Math.max(0, attempts - 1));
  return now + delay;
}
