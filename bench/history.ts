import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type InjectedSinks } from '@temporalio/worker';
import { addDays, type CalendarDate } from '../rules';
import { bundleWorkflows, startTimeSkippingServer } from '../test/support/temporal';
import {
  at,
  createWorker,
  MockActivities,
  sleepUntil,
  startCredential,
  today,
  unique,
} from '../test/workflows/helpers';
import { factSignal, renewUpdate, type BareInput, type BareSinks } from './bare/workflow';
import { TWO_YEARS_MS } from './durations';
import { CYCLE_SIGNALS, cycleStartOf, driveCycle } from './product';
import { sleep } from './processes';

// History of one renewal cycle, on the time-skipping test server (two years in seconds): ours runs
// the cycle of bench/product.ts twice (cycle 1, then the renewed cycle 2); the bare reference gets
// the same number of signals at the same moments, one update and continue-as-new.

export interface CycleHistory {
  readonly events: number;
  /** Size of the run's history as the server stores it (protobuf), and as compact JSON. */
  readonly bytes: number;
  readonly jsonBytes: number;
  readonly byType: Record<string, number>;
}

export interface HistoryFigures {
  readonly ours: CycleHistory[];
  readonly bare: CycleHistory[];
  /** Signals and updates each cycle sent, so the bare gets the same. */
  readonly signalsPerCycle: number;
}

const History = temporal.api.history.v1.History;
const EVENT_TYPES = temporal.api.enums.v1.EventType;

function describeHistory(history: temporal.api.history.v1.IHistory): CycleHistory {
  const byType: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const name = (EVENT_TYPES[event.eventType ?? 0] ?? `type ${event.eventType}`).replace(/^EVENT_TYPE_/, '');
    byType[name] = (byType[name] ?? 0) + 1;
  }
  const message = History.fromObject(history);
  return {
    events: history.events?.length ?? 0,
    bytes: History.encode(message).finish().length,
    jsonBytes: JSON.stringify(History.toObject(message, { longs: String, enums: String, bytes: String }))
      .length,
    byType: Object.fromEntries(Object.entries(byType).sort((a, b) => b[1] - a[1])),
  };
}

/** The run ids of a workflow's chain as they appear (after continue-as-new), waiting up to 30 s. */
async function nextRun(handle: WorkflowHandle, after: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { runId } = await handle.describe();
    if (runId !== after) return runId;
    if (Date.now() > deadline) throw new Error(`no run after ${after} (renewal did not continue as new)`);
    await sleep(50);
  }
}

async function firstTaskDone(env: TestWorkflowEnvironment, workflowId: string, runId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const done = (history.events ?? []).some(
      (e) => e.eventType === EVENT_TYPES.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    );
    if (done) return;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not complete its first workflow task`);
    await sleep(50);
  }
}

async function fetchRun(
  env: TestWorkflowEnvironment,
  workflowId: string,
  runId: string,
): Promise<CycleHistory> {
  return describeHistory(await env.client.workflow.getHandle(workflowId, runId).fetchHistory());
}

async function oursCycles(env: TestWorkflowEnvironment, queue: string): Promise<CycleHistory[]> {
  const certified = await today(env);
  const handle = await startCredential(env, queue, certified);
  const runs: string[] = [(await handle.describe()).runId];
  let cycleStart: CalendarDate = certified;
  for (let cycle = 1; cycle <= 2; cycle += 1) {
    await driveCycle(env, handle, cycleStart);
    const next = await nextRun(handle, runs[runs.length - 1]!);
    runs.push(next);
    // A query that reaches a run before its first workflow task is done is delivered in a workflow
    // task of its own, which would count 3 events that no credential's history has: ask after it.
    await firstTaskDone(env, handle.workflowId, next);
    cycleStart = await cycleStartOf(handle, cycleStart);
  }
  return Promise.all(runs.slice(0, 2).map((runId) => fetchRun(env, handle.workflowId, runId)));
}

async function bareCycles(
  env: TestWorkflowEnvironment,
  queue: string,
  signals: number,
): Promise<CycleHistory[]> {
  const id = unique('bare-cycle');
  const input: BareInput = { id, cycle: 1, sleepMs: TWO_YEARS_MS };
  const handle = await env.client.workflow.start('bare', { taskQueue: queue, workflowId: id, args: [input] });
  const runs: string[] = [handle.firstExecutionRunId];
  for (let cycle = 1; cycle <= 2; cycle += 1) {
    const cycleStart = await today(env);
    // The same moments as ours: a fact a month apart, the last one with the CPR/AED on the same day.
    for (let i = 0; i < signals; i += 1) {
      const moment = at(addDays(cycleStart, 30 * Math.min(i, 19) + 1));
      if (moment > (await env.currentTimeMs())) await sleepUntil(env, moment);
      await handle.signal(factSignal, { id: `${cycle}-${i}` });
    }
    await handle.executeUpdate(renewUpdate);
    runs.push(await nextRun(handle, runs[runs.length - 1]!));
  }
  return Promise.all(runs.slice(0, 2).map((runId) => fetchRun(env, id, runId)));
}

export async function measureHistories(): Promise<HistoryFigures> {
  const signalsPerCycle = CYCLE_SIGNALS;
  const [env, oursBundle, bareBundle] = await Promise.all([
    startTimeSkippingServer(),
    bundleWorkflows(),
    bundleWorkflowCode({
      workflowsPath: require.resolve('./bare/workflow'),
      logger: {
        trace: () => {},
        debug: () => {},
        info: () => {},
        warn: () => {},
        error: console.error,
        log: () => {},
      },
    }),
  ]);
  try {
    const oursQueue = unique('bench-history');
    const bareQueue = unique('bench-history-bare');
    const oursWorker = await createWorker(env, oursBundle, oursQueue, new MockActivities());
    const sinks: InjectedSinks<BareSinks> = {
      bench: { started: { fn: () => undefined }, handled: { fn: () => undefined } },
    };
    const bareWorker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: bareQueue,
      workflowBundle: bareBundle,
      sinks,
    });
    // Both workers poll throughout: a task nobody polls would freeze the server's clock.
    return await oursWorker.runUntil(
      bareWorker.runUntil(async () => {
        const ours = await oursCycles(env, oursQueue);
        const bare = await bareCycles(env, bareQueue, signalsPerCycle);
        return { ours, bare, signalsPerCycle };
      }),
    );
  } finally {
    await env.teardown();
  }
}
