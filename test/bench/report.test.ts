import { ratePerSecondOf, type LatencyRun, type Throughput } from '../../bench/phases';
import { figures, render } from '../../bench/report';
import type { Options, Results } from '../../bench/results';
import type { SqlFigures } from '../../bench/sql';
import { latency, percentile } from '../../bench/stats';

// The benchmark's arithmetic and report, on made-up results: no servers, no timings asserted.

const options: Options = {
  rounds: 2,
  quick: false,
  concurrency: 16,
  enrolments: 100,
  ceus: 50,
  importRows: 100,
  windowSeconds: 5,
  rates: [20],
  warmup: 10,
  sqlOperations: 10,
  sqlFacts: 20,
  tuples: true,
  history: true,
  maxMinutes: 30,
  localPostgres: false,
  keep: false,
  json: null,
};

const throughput = (side: 'ours' | 'bare', accepted: number, done: number): Throughput => ({
  side,
  count: 100,
  accepted: 100,
  done: 100,
  acceptedPerSecond: accepted,
  donePerSecond: done,
  elapsedMs: 1000,
  errors: {},
  cpuMsPerOp: { worker: 1 },
});

/** 100 samples whose p99 (nearest rank) is `p99`. */
const samplesUpTo = (p99: number) => Array.from({ length: 100 }, (_, i) => (p99 * (i + 1)) / 99);

const runOf = (
  side: 'ours' | 'bare',
  answered: number[],
  endToEnd: number[],
  serverErrors = 0,
): LatencyRun => ({
  side,
  ratePerSecond: 20,
  sent: answered.length,
  ok: answered.length - serverErrors,
  answered: latency(answered),
  endToEnd: latency(endToEnd),
  samples: { answered, endToEnd },
  drainedPerSecond: null,
  notDone: 0,
  serverErrors,
  errors: serverErrors > 0 ? { 'GET /credentials/<number> → 503 unavailable': serverErrors } : {},
});

const run = (side: 'ours' | 'bare', p99: number, serverErrors = 0): LatencyRun =>
  runOf(side, samplesUpTo(p99), samplesUpTo(p99 * 2), serverErrors);

function emptyResults(): Results {
  return {
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:05:00.000Z',
    durationSeconds: 300,
    options,
    environment: {},
    rounds: [],
    reads: [],
    history: null,
    sql: { small: null, large: null },
    memory: {
      baseline: { ours: null, bare: null },
      final: { ours: null, bare: null },
      perCached: { ours: null, bare: null },
    },
    stepErrors: [],
  };
}

const byName = (results: Results, start: string) => {
  const found = figures(results).find((f) => f.figure.startsWith(start));
  if (!found) throw new Error(`no figure ${start}`);
  return found;
};

describe('benchmark statistics', () => {
  it('takes percentiles by nearest rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile([], 99)).toBeNull();
    expect(latency([3, 1, 2])).toEqual({ count: 3, p50: 2, p95: 3, p99: 3, max: 3 });
  });
});

describe('benchmark report', () => {
  it('judges a throughput target on the median of the per-round ratios', () => {
    const results = emptyResults();
    const pair = (ours: Throughput, bare: Throughput) => ({ ours, bare });
    for (const [round, [o, b]] of [
      [1, [8, 10]],
      [2, [6, 10]],
    ] as const) {
      results.rounds.push({
        round,
        order: ['ours', 'bare'],
        enrol: pair(throughput('ours', 30, o), throughput('bare', 40, b)),
        ceu: pair(throughput('ours', 30, o), throughput('bare', 40, b)),
        ceuLatency: { 20: { ours: run('ours', 300), bare: run('bare', 100) } },
        import: { ours: null, bare: null },
      });
    }
    const enrolment = byName(results, 'Enrolment end to end');
    expect(enrolment.ratio).toBe('0.70× (0.60–0.80)');
    expect(enrolment.met).toBe('no'); // 0.70 < 0.8
    const ceu = byName(results, 'CEU ingestion end to end');
    expect(ceu.met).toBe('yes'); // 0.70 ≥ 0.7
    expect(byName(results, 'CEU report at 20 req/s, p50/p95/p99: 202').ratio).toBe(
      "3.00× (a round's 3.00–3.00)",
    );
    expect(byName(results, 'Bulk import (npm run import').met).toBe('n/a');
  });

  it("takes p99 over every round's samples at once, both sides alike, and shows each round's ratio as its range", () => {
    const results = emptyResults();
    const flat = (ms: number, n = 100) => Array.from({ length: n }, () => ms);
    // Round 1: two stalls of ours among 100 answers make that round's p99 100× bare's; over the 200
    // answers of both rounds they are the worst 1%, and the p99 is the next one.
    const rounds: [number[], number[]][] = [
      [[...flat(10, 98), 1000, 1000], flat(10)],
      [flat(10), flat(10)],
    ];
    rounds.forEach(([ours, bare], i) => {
      results.rounds.push({
        round: i + 1,
        order: ['ours', 'bare'],
        enrol: { ours: null, bare: null },
        ceu: { ours: null, bare: null },
        ceuLatency: { 20: { ours: runOf('ours', ours, ours), bare: runOf('bare', bare, bare) } },
        import: { ours: null, bare: null },
      });
    });
    const figure = byName(results, 'CEU report at 20 req/s, p50/p95/p99: 202');
    expect(figure.ratio).toBe("1.00× (a round's 1.00–100.00)");
    expect(figure.met).toBe('yes');
    expect(figure.ours).toBe('10/10/10 ms (p99 of a round 10–1000), 0/200 failed');
    // A third stall is more than 1% of 200: the pooled p99 is a stall.
    results.rounds[1]!.ceuLatency[20] = {
      ours: runOf('ours', [...flat(10, 99), 1000], flat(10)),
      bare: runOf('bare', flat(10), flat(10)),
    };
    expect(byName(results, 'CEU report at 20 req/s, p50/p95/p99: 202').ratio).toBe(
      "100.00× (a round's 1.00–100.00)",
    );
  });

  it('says beside a p99 verdict when a side drained facts slower than they were offered, and only then', () => {
    const verdicts = (oursDrained: number, oursP99: number) => {
      const results = emptyResults();
      results.rounds.push({
        round: 1,
        order: ['ours', 'bare'],
        enrol: { ours: null, bare: null },
        ceu: { ours: null, bare: null },
        ceuLatency: {
          20: {
            ours: { ...run('ours', oursP99), drainedPerSecond: oursDrained },
            bare: { ...run('bare', 100), drainedPerSecond: 19.6 },
          },
        },
        import: { ours: null, bare: null },
      });
      return {
        answered: byName(results, 'CEU report at 20 req/s, p50/p95/p99: 202').met,
        endToEnd: byName(results, 'CEU report at 20 req/s, p50/p95/p99 end to end').met,
      };
    };
    const behind = verdicts(14.6, 300);
    expect(behind.answered).toBe(
      'no (drained end to end ours 15/s of the 20/s offered: a backlog grew through the window)',
    );
    expect(behind.endToEnd).toBe(behind.answered);
    expect(verdicts(19.5, 300)).toEqual({ answered: 'no', endToEnd: 'no' });
    expect(verdicts(14.6, 150).answered).toBe(
      'yes (drained end to end ours 15/s of the 20/s offered: a backlog grew through the window)',
    );
    expect(verdicts(19.5, 150)).toEqual({ answered: 'yes', endToEnd: 'yes' });
  });

  it('takes the rate drained end to end from the first arrival to the last', () => {
    expect(ratePerSecondOf(Array.from({ length: 101 }, (_, i) => 1_000 + i * 20))).toBe(50);
    expect(ratePerSecondOf([1, 2, 3])).toBeNull();
  });

  it('fails a read target on a single 5xx, and says when too few credentials were cached', () => {
    const results = emptyResults();
    results.reads.push({
      round: 1,
      order: ['ours', 'bare'],
      cached: { ours: 2100, bare: 2100 },
      get: { 20: { ours: run('ours', 100, 1), bare: run('bare', 100) } },
    });
    expect(byName(results, 'GET /credentials/:n at 20 req/s').met).toBe('no');
    results.reads[0]!.get[20]!.ours = run('ours', 100);
    expect(byName(results, 'GET /credentials/:n at 20 req/s').met).toBe('yes');
    results.reads[0]!.cached.ours = 500;
    expect(byName(results, 'GET /credentials/:n at 20 req/s').met).toMatch(
      /^n\/a \(needs 2,000\+ cached, had 500\)/,
    );
  });

  it('judges the tuples of a read beyond the record rows it lists, and of a write as they are', () => {
    const sql = (tuplesRead: number, credentials: number, rowsListed?: number): SqlFigures => ({
      operation: 'x',
      operations: 10,
      tableSize: { credentials, ceuRecords: credentials },
      statements: 1,
      statementsWithoutTxControl: 1,
      byProcess: null,
      rows: 1,
      buffers: 1,
      tuplesRead,
      tuplesWritten: 0,
      seqScans: 0,
      ...(rowsListed === undefined ? {} : { rowsListed }),
      byTable: null,
      top: [],
    });
    const results = emptyResults();
    // The probed credential lists 1 record row at the small size and 21 at the large one.
    results.sql.small = { enrolment: null, ceu: sql(5, 30), read: sql(4, 30, 1) };
    results.sql.large = { enrolment: null, ceu: sql(5, 2000), read: sql(24, 2000, 21) };
    const read = byName(results, 'Tuples read + written per GET');
    expect(read.ours).toContain('beyond the 1.0 / 21.0 record rows each answer lists: 3.0 / 3.0');
    expect(read.met).toBe('yes');
    // A scan: the read touches every credential beyond what it lists.
    results.sql.large = { ...results.sql.large, read: sql(2024, 2000, 21) };
    expect(byName(results, 'Tuples read + written per GET').met).toBe('no');
    // A write lists nothing: judged on its tuples as they are.
    results.sql.large = { ...results.sql.large, ceu: sql(25, 2000) };
    expect(byName(results, 'Tuples read + written per reported CEU').met).toBe('no');
    expect(byName(results, 'Tuples read + written per reported CEU').ours).not.toContain('beyond');
  });

  it('prints every figure as not measured, and why, when every step failed', () => {
    const results = emptyResults();
    results.stepErrors.push({ step: 'round 1: enrolment (ours)', error: 'worker is not running' });
    const figs = figures(results);
    expect(figs.length).toBeGreaterThan(10);
    for (const f of figs) expect(f.met).toMatch(/^(—|n\/a)/);
    const text = render(results, figs);
    expect(text).toContain('round 1: enrolment (ours): not measured: worker is not running');
  });
});
