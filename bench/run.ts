import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { projectRoot } from '../scripts/lib/paths';
import type { CalendarDate } from '../rules';
import { measureHistories } from './history';
import { closedLoop } from './load';
import {
  answerOf,
  bareQuery,
  ceuLatencyOurs,
  ceusOurs,
  enrolOurs,
  http,
  importOurs,
  queryLatencyBare,
  readLatencyOurs,
  signalLatencyBare,
  signalsBare,
  startBare,
  type ImportRun,
  type Side,
  type Throughput,
} from './phases';
import { credentialRead, policyToday, recordRowsIn } from './product';
import type { MemoryPoint, Options, Pair, ReadRound, Results, RoundResult, SqlProbe } from './results';
import { measureSql, settleStatistics } from './sql';
import { quiesce, startStack, workerStatus, type Stack } from './stack';

// The whole run: start the stack, warm up, count SQL at a small size (while the history is measured
// on its own test server), interleave ours and bare over the rounds, read rounds once 2,000+
// credentials are cached, memory, SQL again at the large size.

const log = (message: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** The error's message and its causes' (an update's rejection reasons are in its cause). */
function describeError(err: unknown): string {
  const messages: string[] = [];
  let e: unknown = err;
  while (e !== undefined && e !== null && messages.length < 4) {
    const { message, cause } = e as { message?: unknown; cause?: unknown };
    messages.push(typeof message === 'string' ? message : JSON.stringify(e));
    e = cause;
  }
  return messages.join(': ').slice(0, 500);
}

/** Credential numbers and bare ids of one batch. */
const batch = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `BN-${prefix}-${String(i).padStart(5, '0')}`);

class Runner {
  readonly ours: string[] = [];
  readonly bare: string[] = [];
  readonly today: CalendarDate = policyToday();
  private readonly deadline: number;

  constructor(
    readonly stack: Stack,
    readonly options: Options,
    readonly results: Results,
  ) {
    this.deadline = Date.now() + options.maxMinutes * 60_000;
  }

  /**
   * Runs a step; a failure is recorded and the run goes on. Skipped when the stack is gone or the
   * time budget (--max-minutes) is spent.
   */
  async step<T>(name: string, body: () => Promise<T>): Promise<T | null> {
    if (Date.now() > this.deadline) {
      this.results.stepErrors.push({
        step: name,
        error: `skipped: the ${this.options.maxMinutes}-minute budget is spent`,
      });
      return null;
    }
    const dead = Object.values(this.stack.children).find(
      (c) => c.process.exitCode !== null || c.process.signalCode !== null,
    );
    if (dead) {
      this.results.stepErrors.push({
        step: name,
        error: `${dead.name} is not running (see ${dead.logFile})`,
      });
      return null;
    }
    log(name);
    try {
      return await body();
    } catch (err) {
      const error = describeError(err);
      this.results.stepErrors.push({ step: name, error });
      log(`${name} failed: ${error}`);
      return null;
    }
  }

  async pair<T>(order: readonly Side[], name: string, run: Record<Side, () => Promise<T>>): Promise<Pair<T>> {
    const result: Pair<T> = { ours: null, bare: null };
    for (const side of order) result[side] = await this.step(`${name} (${side})`, run[side]);
    return result;
  }

  async warmUp(): Promise<void> {
    const { stack, options } = this;
    const n = options.warmup;
    const ours = batch('W', n);
    const bare = batch('BW', n);
    await this.step('warm-up (ours)', async () => {
      await enrolOurs(stack, ours, 4, this.today);
      await ceusOurs(stack, ours, n, 4, 'W', this.today);
      await closedLoop(n, 4, (i) => http(stack, credentialRead(ours[i]!)));
    });
    this.ours.push(...ours);
    await this.step('warm-up (bare)', async () => {
      await startBare(stack, bare, 4);
      await signalsBare(stack, bare, n, 4, 'BW');
      await closedLoop(n, 4, (i) => bareQuery(stack, bare[i]!));
    });
    this.bare.push(...bare);
    await quiesce(stack);
  }

  async memory(): Promise<Pair<MemoryPoint>> {
    const ours = await workerStatus(this.stack);
    const bare = await this.stack.bareStatus();
    return { ours, bare: bare ? { rss: bare.rss, cached: bare.cached } : null };
  }

  /** SQL per enrolment, per reported CEU and per read; `probe` credentials are reused at both sizes. */
  async sqlProbe(size: string, probe: readonly string[], enrolled: readonly string[]): Promise<SqlProbe> {
    const { stack } = this;
    const n = enrolled.length;
    const options = { tuples: this.options.tuples };
    const enrolment = await this.step(`SQL per enrolment at ${size} size`, () =>
      measureSql(
        stack,
        'enrolment',
        n,
        async () => {
          await enrolOurs(stack, enrolled, 4, this.today);
        },
        options,
      ),
    );
    const ceu = await this.step(`SQL per reported CEU at ${size} size`, () =>
      measureSql(
        stack,
        'reported CEU',
        probe.length,
        async () => {
          await ceusOurs(stack, probe, probe.length, 4, `SQL-${size}`, this.today);
        },
        options,
      ),
    );
    const read = await this.step(`SQL per GET at ${size} size`, async () => {
      const figures = await measureSql(
        stack,
        'GET /credentials/:n',
        probe.length,
        async () => {
          await closedLoop(probe.length, 4, (i) => http(stack, credentialRead(probe[i]!)));
          await quiesce(stack);
        },
        options,
      );
      // Read again after the count, so counting the listed rows costs the figures nothing.
      const listed = await Promise.all(
        probe.map(async (number) => recordRowsIn(await answerOf(stack, credentialRead(number)))),
      );
      return { ...figures, rowsListed: listed.reduce((a, b) => a + b, 0) / probe.length };
    });
    return { enrolment, ceu, read };
  }

  async round(round: number): Promise<RoundResult> {
    const { stack, options, today } = this;
    const order: Side[] = round % 2 === 1 ? ['ours', 'bare'] : ['bare', 'ours'];
    const ours = batch(`E${round}`, options.enrolments);
    const bare = batch(`BE${round}`, options.enrolments);
    const enrol = await this.pair(order, `round ${round}: enrolment`, {
      ours: () => enrolOurs(stack, ours, options.concurrency, today),
      bare: () => startBare(stack, bare, options.concurrency),
    });
    this.ours.push(...ours);
    this.bare.push(...bare);
    const ceu = await this.pair(order, `round ${round}: CEU ingestion`, {
      ours: () => ceusOurs(stack, ours, options.ceus, options.concurrency, `C${round}`, today),
      bare: () => signalsBare(stack, bare, options.ceus, options.concurrency, `BC${round}`),
    });
    const ceuLatency: RoundResult['ceuLatency'] = {};
    const windowMs = options.windowSeconds * 1000;
    for (const rate of options.rates) {
      ceuLatency[rate] = await this.pair(order, `round ${round}: CEU reports at ${rate}/s`, {
        ours: () => ceuLatencyOurs(stack, ours, rate, windowMs, `L${round}-${rate}`, today),
        bare: () => signalLatencyBare(stack, bare, rate, windowMs, `BL${round}-${rate}`),
      });
    }
    const imported = batch(`I${round}`, options.importRows);
    const bareImported = batch(`BI${round}`, options.importRows);
    const importPair = {
      ours: null as ImportRun | null,
      bare: null as Throughput | null,
    };
    for (const side of order) {
      if (side === 'ours') {
        importPair.ours = await this.step(`round ${round}: bulk import (ours)`, () =>
          importOurs(stack, imported, options.concurrency, today, `import-${round}`),
        );
      } else {
        importPair.bare = await this.step(`round ${round}: bulk import (bare)`, () =>
          startBare(stack, bareImported, options.concurrency),
        );
      }
    }
    this.ours.push(...imported);
    this.bare.push(...bareImported);
    return { round, order, enrol, ceu, ceuLatency, import: importPair };
  }

  async readRound(round: number): Promise<ReadRound> {
    const { stack, options } = this;
    const order: Side[] = round % 2 === 1 ? ['ours', 'bare'] : ['bare', 'ours'];
    const cached = {
      ours: (await workerStatus(stack)).cached,
      bare: (await stack.bareStatus())?.cached ?? null,
    };
    const get: ReadRound['get'] = {};
    for (const rate of options.rates) {
      get[rate] = await this.pair(order, `read round ${round}: reads at ${rate}/s`, {
        ours: () => readLatencyOurs(stack, this.ours, rate, options.windowSeconds * 1000, round * 100 + rate),
        bare: () =>
          queryLatencyBare(stack, this.bare, rate, options.windowSeconds * 1000, round * 100 + rate),
      });
    }
    return { round, order, cached, get };
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: projectRoot,
      encoding: 'utf8',
    }).trim();
  } catch {
    return null;
  }
}

export async function runBench(options: Options): Promise<Results> {
  const began = Date.now();
  const results: Results = {
    startedAt: new Date(began).toISOString(),
    finishedAt: '',
    durationSeconds: 0,
    options,
    environment: {
      cpus: cpus().length,
      loadAverageAtStart: loadavg(),
      node: process.version,
      commit: gitCommit(),
    },
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
  log('starting PostgreSQL, Temporal dev server, worker, API and bare worker');
  const stack = await startStack({ localPostgres: options.localPostgres, keep: options.keep });
  log(
    `stack up in ${((Date.now() - began) / 1000).toFixed(0)} s; ${stack.database.source}; logs in ${stack.dir}`,
  );
  Object.assign(results.environment, { database: stack.database.source });
  // Ctrl-C: stop what the bench started (and remove its directory) before leaving.
  const interrupted = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const runner = new Runner(stack, options, results);
  try {
    await runner.warmUp();
    results.memory.baseline = await runner.memory();

    // The history runs on its own test server meanwhile: SQL counts do not depend on timing.
    // A failed attempt (reported with its reason) gets one more on a fresh test server.
    const historyStep = (attempt: number) =>
      runner.step(`history of one cycle (time-skipping test server), attempt ${attempt}`, () =>
        measureHistories(),
      );
    const history = options.history ? historyStep(1).then((h) => h ?? historyStep(2)) : Promise.resolve(null);
    const probe = batch('P', options.sqlOperations);
    if (options.tuples) await settleStatistics();
    results.sql.small = await runner.sqlProbe('small', probe, probe);
    results.history = await history;
    runner.ours.push(...probe);

    for (let round = 1; round <= options.rounds; round += 1) results.rounds.push(await runner.round(round));
    for (let round = 1; round <= options.rounds; round += 1)
      results.reads.push(await runner.readRound(round));
    results.memory.final = await runner.memory();

    // The large size: the probe credentials now hold sqlFacts CEUs each (facts grow too).
    const more = Math.max(0, options.sqlFacts - 1) * probe.length;
    if (more > 0) {
      await runner.step('SQL: adding CEUs to the probed credentials', () =>
        ceusOurs(stack, probe, more, options.concurrency, 'PF', runner.today),
      );
    }
    if (options.tuples) await settleStatistics();
    results.sql.large = await runner.sqlProbe('large', probe, batch('Q', options.sqlOperations));
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    log('stopping the stack');
    await stack.stop();
  }
  const { baseline, final } = results.memory;
  for (const side of ['ours', 'bare'] as const) {
    const [b, f] = [baseline[side], final[side]];
    const cachedDelta = (f?.cached ?? 0) - (b?.cached ?? 0);
    results.memory.perCached[side] =
      b?.rss != null && f?.rss != null && cachedDelta > 0 ? (f.rss - b.rss) / cachedDelta : null;
  }
  results.finishedAt = new Date().toISOString();
  results.durationSeconds = Math.round((Date.now() - began) / 1000);
  Object.assign(results.environment, { loadAverageAtEnd: loadavg() });
  return results;
}
