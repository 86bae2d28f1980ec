// Small numeric helpers: percentiles of latency samples, and summaries of one figure over rounds.

/** The p-th percentile (0..100) by nearest rank; null without samples. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export interface Latency {
  readonly count: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export function latency(samples: readonly number[]): Latency {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: samples.length > 0 ? Math.max(...samples) : null,
  };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One figure over the rounds: min, median, max of the values that could be measured. */
export interface Spread {
  readonly values: readonly (number | null)[];
  readonly min: number | null;
  readonly median: number | null;
  readonly max: number | null;
}

export function spread(values: readonly (number | null)[]): Spread {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return {
    values,
    min: known.length > 0 ? Math.min(...known) : null,
    median: median(known),
    max: known.length > 0 ? Math.max(...known) : null,
  };
}

/** a / b, or null when either is unknown or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}
