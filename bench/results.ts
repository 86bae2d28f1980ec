import type { HistoryFigures } from './history';
import type { ImportRun, LatencyRun, Side, Throughput } from './phases';
import type { SqlFigures } from './sql';

// The shape of one run's results (also what --json writes).

export interface Options {
  readonly rounds: number;
  readonly quick: boolean;
  readonly concurrency: number;
  readonly enrolments: number;
  readonly ceus: number;
  readonly importRows: number;
  readonly windowSeconds: number;
  readonly rates: readonly number[];
  readonly warmup: number;
  /** Operations per SQL batch, and CEUs each probed credential holds at the second size. */
  readonly sqlOperations: number;
  readonly sqlFacts: number;
  /** Tuples from pg_stat_user_tables (needs ~11 s waits for the statistics; off with --quick). */
  readonly tuples: boolean;
  readonly history: boolean;
  /** Steps not started by then are skipped (reported as not measured). */
  readonly maxMinutes: number;
  readonly localPostgres: boolean;
  readonly keep: boolean;
  readonly json: string | null;
}

export interface Pair<T> {
  ours: T | null;
  bare: T | null;
}

export interface RoundResult {
  readonly round: number;
  readonly order: readonly Side[];
  readonly enrol: Pair<Throughput>;
  readonly ceu: Pair<Throughput>;
  readonly ceuLatency: Record<string, Pair<LatencyRun>>;
  readonly import: { ours: ImportRun | null; bare: Throughput | null };
}

export interface ReadRound {
  readonly round: number;
  readonly order: readonly Side[];
  readonly cached: { ours: number | null; bare: number | null };
  readonly get: Record<string, Pair<LatencyRun>>;
}

export interface SqlProbe {
  readonly enrolment: SqlFigures | null;
  readonly ceu: SqlFigures | null;
  readonly read: SqlFigures | null;
}

export interface MemoryPoint {
  readonly rss: number | null;
  readonly cached: number | null;
}

export interface Results {
  readonly startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  readonly options: Options;
  readonly environment: Record<string, unknown>;
  readonly rounds: RoundResult[];
  readonly reads: ReadRound[];
  history: HistoryFigures | null;
  readonly sql: { small: SqlProbe | null; large: SqlProbe | null };
  readonly memory: {
    baseline: Pair<MemoryPoint>;
    final: Pair<MemoryPoint>;
    /** (final RSS − baseline RSS) / (final cached − baseline cached), bytes. */
    perCached: Pair<number>;
  };
  /** Steps that could not be measured, and why. */
  readonly stepErrors: { step: string; error: string }[];
}
