import { sleep } from './processes';

// Load generators. Closed loop: `concurrency` callers, each sends its next request when the previous
// one answered (throughput). Open loop: requests leave on a fixed schedule whether or not earlier
// ones answered, and latency counts from the scheduled instant (no coordinated omission).

export interface CallResult {
  readonly ok: boolean;
  /** Why it failed: HTTP status and the start of the body, or the error's name and message. */
  readonly error?: string;
  /** HTTP status, when there was one. */
  readonly status?: number;
}

export interface Outcome extends CallResult {
  readonly index: number;
  readonly scheduledAt: number;
  readonly answeredAt: number;
}

async function attempt(call: () => Promise<CallResult>): Promise<CallResult> {
  try {
    return await call();
  } catch (err) {
    // fetch failures say "fetch failed"; the reason (ECONNREFUSED, a timeout) is in `cause`.
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const cause = e.cause ? ` (${e.cause.code ?? e.cause.message ?? ''})` : '';
    return { ok: false, error: `${e.name ?? 'Error'}: ${(e.message ?? String(err)).slice(0, 200)}${cause}` };
  }
}

export async function closedLoop(
  count: number,
  concurrency: number,
  call: (index: number) => Promise<CallResult>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const caller = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      const scheduledAt = Date.now();
      const result = await attempt(() => call(index));
      outcomes.push({ ...result, index, scheduledAt, answeredAt: Date.now() });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, caller));
  return outcomes.sort((a, b) => a.index - b.index);
}

export async function openLoop(
  ratePerSecond: number,
  durationMs: number,
  call: (index: number) => Promise<CallResult>,
): Promise<Outcome[]> {
  const count = Math.max(1, Math.round((ratePerSecond * durationMs) / 1000));
  const interval = 1000 / ratePerSecond;
  const start = Date.now() + 20;
  const pending: Promise<Outcome>[] = [];
  for (let index = 0; index < count; index += 1) {
    const scheduledAt = start + index * interval;
    const wait = scheduledAt - Date.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      attempt(() => call(index)).then((result) => ({
        ...result,
        index,
        scheduledAt,
        answeredAt: Date.now(),
      })),
    );
  }
  return Promise.all(pending);
}

/** Counts of each distinct error (status and body start), most frequent first. */
export function errorCounts(outcomes: readonly CallResult[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    if (o.ok) continue;
    const key = o.error ?? 'unknown error';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}
