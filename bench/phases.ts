import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../scripts/lib/paths';
import type { CalendarDate } from '../rules';
import type { BareInput } from './bare/workflow';
import { closedLoop, errorCounts, openLoop, type CallResult, type Outcome } from './load';
import {
  ceuReport,
  credentialRead,
  enrolment,
  IMPORT_ENTRY,
  importArgs,
  importCsv,
  parseImportSummary,
  succeeded,
  type HttpCall,
} from './product';
import { TWO_YEARS_MS } from './durations';
import { BARE_TASK_QUEUE, cpuSnapshot, quiesce, type Stack } from './stack';
import { latency, type Latency } from './stats';

// One measured step each, ours or bare: closed-loop throughput (accepted and end to end), open-loop
// latency at a fixed rate, and the bulk import. Each waits for its work to finish end to end and for
// the stack to go idle, so the next step starts from rest.

const REQUEST_TIMEOUT_MS = 30_000;

export type Side = 'ours' | 'bare';

export interface Throughput {
  readonly side: Side;
  readonly count: number;
  readonly accepted: number;
  readonly done: number;
  /** Accepted answers per second (202s, started, signalled). */
  readonly acceptedPerSecond: number | null;
  /** End to end per second (row in PostgreSQL / bare handled). */
  readonly donePerSecond: number | null;
  readonly elapsedMs: number;
  readonly errors: Record<string, number>;
  /** CPU ms per operation of each process, work after the answers included. */
  readonly cpuMsPerOp: Record<string, number>;
}

export interface LatencyRun {
  readonly side: Side;
  readonly ratePerSecond: number;
  readonly sent: number;
  readonly ok: number;
  /** Scheduled instant → answer, every answer (errors included). */
  readonly answered: Latency;
  /** Scheduled instant → row visible / handled (successful requests), when the step has one. */
  readonly endToEnd: Latency | null;
  /** The samples of both, in ms, so that the report can take percentiles over every round at once. */
  readonly samples: { readonly answered: readonly number[]; readonly endToEnd: readonly number[] | null };
  /**
   * Arrivals end to end per second, from the first to the last: the offered rate when the side kept
   * up, its capacity when a backlog grew through the window.
   */
  readonly drainedPerSecond: number | null;
  readonly notDone: number;
  readonly serverErrors: number;
  readonly errors: Record<string, number>;
}

export interface ImportRun {
  readonly rows: number;
  /** As `npm run import -- --json` reports it (rows/s, its own clock). */
  readonly reportedRowsPerSecond: number | null;
  readonly started: number | null;
  readonly failed: number | null;
  readonly exitCode: number | null;
  /** Rows visible in PostgreSQL per second, from the process start. */
  readonly endToEndPerSecond: number | null;
  readonly done: number;
  readonly elapsedMs: number;
  readonly errors: Record<string, number>;
  readonly cpuMsPerOp: Record<string, number>;
}

/** Credential numbers in error texts become <number>, so equal errors count together. */
const masked = (text: string) => text.replace(/BN-[A-Za-z0-9-]+/g, '<number>').replace(/\s+/g, ' ');

function send(stack: Stack, call: HttpCall): Promise<Response> {
  return fetch(`${stack.apiUrl}${call.path}`, {
    method: call.method,
    headers: {
      authorization: `Bearer ${stack.tokens[call.role]}`,
      ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
}

/** The answer's body, for the few steps that look into it (throws unless it succeeded). */
export async function answerOf(stack: Stack, call: HttpCall): Promise<unknown> {
  const response = await send(stack, call);
  if (!succeeded(call, response.status)) {
    throw new Error(`${call.method} ${masked(call.path)} → ${response.status}`);
  }
  return response.json();
}

export async function http(stack: Stack, call: HttpCall): Promise<CallResult> {
  const response = await send(stack, call);
  const text = await response.text();
  if (succeeded(call, response.status)) return { ok: true, status: response.status };
  return {
    ok: false,
    status: response.status,
    error: `${call.method} ${masked(call.path)} → ${response.status} ${masked(text).slice(0, 200)}`,
  };
}

async function temporalCall(what: string, call: () => Promise<unknown>): Promise<CallResult> {
  try {
    await call();
    return { ok: true };
  } catch (err) {
    const e = err as Error;
    return { ok: false, error: `${what}: ${e.name} ${masked(e.message ?? '').slice(0, 200)}` };
  }
}

export const bareStart = (stack: Stack, id: string): Promise<CallResult> =>
  temporalCall('start', () =>
    stack.client.workflow.start('bare', {
      taskQueue: BARE_TASK_QUEUE,
      workflowId: id,
      args: [{ id, cycle: 1, sleepMs: TWO_YEARS_MS } satisfies BareInput],
    }),
  );

export const bareSignal = (stack: Stack, id: string, factId: string): Promise<CallResult> =>
  temporalCall('signal', () => stack.client.workflow.getHandle(id).signal('fact', { id: factId }));

export const bareQuery = (stack: Stack, id: string): Promise<CallResult> =>
  temporalCall('query', () => stack.client.workflow.getHandle(id).query('state'));

const perSecond = (count: number, since: number, until: number | undefined): number | null =>
  count > 0 && until !== undefined && until > since ? (count * 1000) / (until - since) : null;

async function cpuPerOp<T>(
  stack: Stack,
  count: number,
  body: () => Promise<T>,
): Promise<[T, Record<string, number>]> {
  const before = await cpuSnapshot(stack);
  const result = await body();
  await quiesce(stack);
  const after = await cpuSnapshot(stack);
  const perOp: Record<string, number> = {};
  for (const [name, ms] of Object.entries(after))
    perOp[name] = (ms - (before[name] ?? 0)) / Math.max(1, count);
  return [result, perOp];
}

/** Waits up to 60 s plus 250 ms per expected key for the end-to-end signals (4/s on a busy machine). */
const doneTimeout = (count: number) => 60_000 + count * 250;

/**
 * `count` operations at `concurrency`; `keyOf(i)` is the arrival that means operation i is done end
 * to end. Throughput is counted from the first send to the last answer / arrival.
 */
export async function throughput(
  stack: Stack,
  side: Side,
  count: number,
  concurrency: number,
  call: (i: number) => Promise<CallResult>,
  keyOf: (i: number) => string,
): Promise<Throughput> {
  const began = Date.now();
  const [result, cpuMsPerOp] = await cpuPerOp(stack, count, async () => {
    const outcomes = await closedLoop(count, concurrency, call);
    const accepted = outcomes.filter((o) => o.ok);
    const keys = accepted.map((o) => keyOf(o.index));
    const missing = new Set(await stack.arrivals.waitAll(keys, doneTimeout(keys.length)));
    return { outcomes, accepted, keys, missing };
  });
  const { outcomes, accepted, keys, missing } = result;
  const doneTimes = keys.filter((k) => !missing.has(k)).map((k) => stack.arrivals.at(k) ?? 0);
  const lastAnswer = accepted.length > 0 ? Math.max(...accepted.map((o) => o.answeredAt)) : undefined;
  const lastDone = doneTimes.length > 0 ? Math.max(...doneTimes) : undefined;
  const errors = errorCounts(outcomes);
  if (missing.size > 0)
    errors[`not done end to end within ${doneTimeout(keys.length) / 1000} s`] = missing.size;
  return {
    side,
    count,
    accepted: accepted.length,
    done: doneTimes.length,
    acceptedPerSecond: perSecond(accepted.length, began, lastAnswer),
    donePerSecond: perSecond(doneTimes.length, began, lastDone),
    elapsedMs: (lastDone ?? Date.now()) - began,
    errors,
    cpuMsPerOp,
  };
}

/** Events per second from the first instant to the last; null for fewer than 10. */
export function ratePerSecondOf(instants: readonly number[]): number | null {
  if (instants.length < 10) return null;
  return perSecond(instants.length - 1, Math.min(...instants), Math.max(...instants));
}

/** Open loop at `rate` for `durationMs`; `keyOf` (when given) is the end-to-end arrival of request i. */
export async function latencyRun(
  stack: Stack,
  side: Side,
  rate: number,
  durationMs: number,
  call: (i: number) => Promise<CallResult>,
  keyOf?: (i: number) => string,
): Promise<LatencyRun> {
  const outcomes: Outcome[] = await openLoop(rate, durationMs, call);
  const ok = outcomes.filter((o) => o.ok);
  let endToEndMs: number[] | null = null;
  let drainedPerSecond: number | null = null;
  let notDone = 0;
  if (keyOf) {
    const keys = ok.map((o) => keyOf(o.index));
    notDone = (await stack.arrivals.waitAll(keys, doneTimeout(keys.length))).length;
    const arrivals = ok.flatMap((o) => {
      const at = stack.arrivals.at(keyOf(o.index));
      return at === undefined ? [] : [{ at, latency: at - o.scheduledAt }];
    });
    endToEndMs = arrivals.map((a) => a.latency);
    drainedPerSecond = ratePerSecondOf(arrivals.map((a) => a.at));
  }
  const answeredMs = outcomes.map((o) => o.answeredAt - o.scheduledAt);
  await quiesce(stack);
  const errors = errorCounts(outcomes);
  if (notDone > 0) errors['not done end to end'] = notDone;
  return {
    side,
    ratePerSecond: rate,
    sent: outcomes.length,
    ok: ok.length,
    answered: latency(answeredMs),
    endToEnd: endToEndMs && latency(endToEndMs),
    samples: { answered: answeredMs, endToEnd: endToEndMs },
    drainedPerSecond,
    notDone,
    serverErrors: outcomes.filter((o) => (o.status ?? 0) >= 500).length,
    errors,
  };
}

// The steps, ours and bare.

export const enrolOurs = (
  stack: Stack,
  numbers: readonly string[],
  concurrency: number,
  today: CalendarDate,
) =>
  throughput(
    stack,
    'ours',
    numbers.length,
    concurrency,
    (i) => http(stack, enrolment(numbers[i]!, today)),
    (i) => `enrolled:${numbers[i]}`,
  );

export const startBare = (stack: Stack, ids: readonly string[], concurrency: number) =>
  throughput(
    stack,
    'bare',
    ids.length,
    concurrency,
    (i) => bareStart(stack, ids[i]!),
    (i) => `started:${ids[i]}`,
  );

/** CEU reports spread round-robin over `targets`; completion ids `${prefix}-${i}`. */
export const ceusOurs = (
  stack: Stack,
  targets: readonly string[],
  count: number,
  concurrency: number,
  prefix: string,
  today: CalendarDate,
) =>
  throughput(
    stack,
    'ours',
    count,
    concurrency,
    (i) => http(stack, ceuReport(targets[i % targets.length]!, `${prefix}-${i}`, today)),
    (i) => `ceu:${prefix}-${i}`,
  );

export const signalsBare = (
  stack: Stack,
  targets: readonly string[],
  count: number,
  concurrency: number,
  prefix: string,
) =>
  throughput(
    stack,
    'bare',
    count,
    concurrency,
    (i) => bareSignal(stack, targets[i % targets.length]!, `${prefix}-${i}`),
    (i) => `handled:${prefix}-${i}`,
  );

export const ceuLatencyOurs = (
  stack: Stack,
  targets: readonly string[],
  rate: number,
  durationMs: number,
  prefix: string,
  today: CalendarDate,
) =>
  latencyRun(
    stack,
    'ours',
    rate,
    durationMs,
    (i) => http(stack, ceuReport(targets[i % targets.length]!, `${prefix}-${i}`, today)),
    (i) => `ceu:${prefix}-${i}`,
  );

export const signalLatencyBare = (
  stack: Stack,
  targets: readonly string[],
  rate: number,
  durationMs: number,
  prefix: string,
) =>
  latencyRun(
    stack,
    'bare',
    rate,
    durationMs,
    (i) => bareSignal(stack, targets[i % targets.length]!, `${prefix}-${i}`),
    (i) => `handled:${prefix}-${i}`,
  );

/** Reads of credentials picked at random (the same sequence for a given seed). */
export function picker(targets: readonly string[], seed: number): (i: number) => string {
  return (i) => {
    const x = Math.sin(seed * 9973 + i * 7919) * 10_000;
    return targets[Math.floor((x - Math.floor(x)) * targets.length)]!;
  };
}

export const readLatencyOurs = (
  stack: Stack,
  targets: readonly string[],
  rate: number,
  durationMs: number,
  seed: number,
) => {
  const pick = picker(targets, seed);
  return latencyRun(stack, 'ours', rate, durationMs, (i) => http(stack, credentialRead(pick(i))));
};

export const queryLatencyBare = (
  stack: Stack,
  targets: readonly string[],
  rate: number,
  durationMs: number,
  seed: number,
) => {
  const pick = picker(targets, seed);
  return latencyRun(stack, 'bare', rate, durationMs, (i) => bareQuery(stack, pick(i)));
};

/** `npm run import` of `numbers` as a CSV, in its own process; rows counted end to end as well. */
export async function importOurs(
  stack: Stack,
  numbers: readonly string[],
  concurrency: number,
  today: CalendarDate,
  name: string,
): Promise<ImportRun> {
  const file = path.join(stack.dir, `${name}.csv`);
  await writeFile(file, importCsv(numbers, today));
  const began = Date.now();
  const [run, cpuMsPerOp] = await cpuPerOp(stack, numbers.length, async () => {
    const log = createWriteStream(path.join(stack.dir, `${name}.log`));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(projectRoot, IMPORT_ENTRY), ...importArgs(file, concurrency)],
      {
        cwd: projectRoot,
        env: { ...stack.env, DATABASE_URL: stack.urlFor('import') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.pipe(log);
    const exitCode = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000 + numbers.length * 500);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    const keys = numbers.map((n) => `enrolled:${n}`);
    const missing = await stack.arrivals.waitAll(keys, doneTimeout(keys.length));
    return { exitCode, stdout, missing };
  });
  const summary = parseImportSummary(run.stdout);
  const missing = new Set(run.missing);
  const doneTimes = numbers
    .filter((n) => !missing.has(`enrolled:${n}`))
    .map((n) => stack.arrivals.at(`enrolled:${n}`) ?? 0);
  const errors: Record<string, number> = {};
  if (summary.rowsPerSecond === null)
    errors[`import output not understood: ${masked(run.stdout).slice(0, 200)}`] = 1;
  if (run.exitCode !== 0) errors[`import exited with code ${run.exitCode} (see ${name}.log)`] = 1;
  if ((summary.failed ?? 0) > 0) errors['import rows failed'] = summary.failed ?? 0;
  if (missing.size > 0) errors['rows not visible end to end'] = missing.size;
  const lastDone = doneTimes.length > 0 ? Math.max(...doneTimes) : undefined;
  return {
    rows: numbers.length,
    reportedRowsPerSecond: summary.rowsPerSecond,
    started: summary.started,
    failed: summary.failed,
    exitCode: run.exitCode,
    endToEndPerSecond: perSecond(doneTimes.length, began, lastDone),
    done: doneTimes.length,
    elapsedMs: (lastDone ?? Date.now()) - began,
    errors,
    cpuMsPerOp,
  };
}
