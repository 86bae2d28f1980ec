import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Context } from '@temporalio/activity';
import type { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { CredentialActivities } from '../../activities/types';
import { handBackBySignal, projectionSinks } from '../../worker/projection-sink';
import { addDays, dateAt, instantAt, type CalendarDate, type CeuCompletion } from '../../rules';
import { getPolicy, NASM_CPT } from '../../rules/policies';
import { newCredentialInput, startOptions } from '../../workflows/start';
import { credential } from '../../workflows';
import {
  COMMAND_REJECTED,
  getState,
  reportCeuCompletion,
  reportCprAed,
  submitApplication,
  type Actor,
  type CredentialInput,
  type CredentialView,
  type Rejection,
} from '../../workflows/contract';
import type { CredentialEvent, EventBatch, ReminderRequest } from '../../workflows/events';

/**
 * Set (RECERTIFY_CONTINUE_AS_NEW_AFTER, the `workflows-continued` Jest project) to run every lifecycle
 * test with runs that continue as new mid-cycle after that many history events: the results must
 * be the same either way.
 */
export const CONTINUE_AS_NEW_AFTER = Number(process.env.RECERTIFY_CONTINUE_AS_NEW_AFTER ?? 0) || undefined;

export const TZ = NASM_CPT.timeZone;
export const HOLDER: Actor = { kind: 'portal', id: 'portal-key-1' };
export const OPS: Actor = { kind: 'ops', id: 'ops-key-1' };
export const PROVIDER: Actor = { kind: 'service', id: 'provider-feed' };

/**
 * Activities recorded in arrays, like the database would: each event once, by key (a replayed or
 * carried batch changes nothing). drawAuditNumber returns a scripted sequence (then 9999: not
 * selected). `failing` makes recording throw, as a database outage would; `failures` makes only
 * that many next attempts throw.
 */
export class MockActivities {
  readonly events: CredentialEvent[] = [];
  readonly reminders: ReminderRequest[] = [];
  readonly batches: EventBatch[] = [];
  readonly draws: number[];
  failing = false;
  failures = 0;
  private readonly keys = new Set<string>();

  constructor(draws: number[] = []) {
    this.draws = [...draws];
  }

  private record(event: CredentialEvent): void {
    if (this.keys.has(event.key)) return;
    this.keys.add(event.key);
    this.events.push(event);
    if (event.type === 'reminder_due') {
      const { credentialNumber, cycle, reminder, facts } = event;
      this.reminders.push({ credentialNumber, cycle, reminder, facts });
    }
  }

  get activities(): CredentialActivities {
    return {
      recordEvents: (batch) => {
        if (this.failing || this.failures > 0) {
          this.failures = Math.max(0, this.failures - 1);
          return Promise.reject(new Error('database unavailable (test)'));
        }
        this.batches.push(batch);
        for (const event of batch.events) this.record(event);
        return Promise.resolve({ recorded: batch.events.length, parked: [] });
      },
      loadPolicyVersions: (policyId) => Promise.resolve([getPolicy(policyId)]),
      drawAuditNumber: () => Promise.resolve(this.draws.shift() ?? 9999),
      // First-release runs (workflows/v1).
      recordEvent: (event) => {
        this.record(event);
        return Promise.resolve();
      },
      sendReminder: (request) => {
        this.reminders.push(request);
        return Promise.resolve();
      },
    };
  }

  /** The credential's lifecycle events (a mid-cycle continue-as-new is operations, not lifecycle). */
  eventTypes(): string[] {
    return this.events.filter((e) => e.type !== 'continued_as_new').map((e) => e.type);
  }

  reminderKeys(): string[] {
    return this.reminders.map((r) => r.reminder.key);
  }
}

type Refusal = Extract<CredentialEvent, { type: 'command_refused' }>;
/** The refusals recorded so far (a signal that failed its checks, see workflows/cycle/refusals.ts). */
export const refusals = (mocks: MockActivities): Refusal[] =>
  mocks.events.filter((e): e is Refusal => e.type === 'command_refused');

let sequence = 0;
export function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${sequence}`;
}

/** The worker's recording sink (worker/projection-sink.ts), writing to the mocks; quick retries. */
function mockSinks(env: TestWorkflowEnvironment, record: CredentialActivities['recordEvents']) {
  return projectionSinks({
    record,
    handBack: handBackBySignal(env.client),
    retryDelayMs: () => 50,
  });
}

export function createWorker(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  taskQueue: string,
  mocks: MockActivities,
  options: { maxCachedWorkflows?: number } = {},
): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: mocks.activities,
    sinks: mockSinks(env, (batch) => mocks.activities.recordEvents(batch)),
    ...options,
  });
}

export async function today(env: TestWorkflowEnvironment): Promise<CalendarDate> {
  return dateAt(await env.currentTimeMs(), TZ);
}

/** Advances the test server's clock to an absolute instant (time only moves forward). */
export async function sleepUntil(env: TestWorkflowEnvironment, instant: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (instant < now) throw new Error(`Cannot go back in time to ${new Date(instant).toISOString()}`);
  if (instant > now) await watch(`sleep to ${new Date(instant).toISOString()}`, env.sleep(instant - now));
}

/** Noon (or another local time) on a calendar date in the policy's zone. */
export function at(d: CalendarDate, time = '12:00'): number {
  return instantAt(d, time, TZ);
}

export async function startCredential(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  cycleStart: CalendarDate,
  extra: Partial<CredentialInput> = {},
): Promise<WorkflowHandle<typeof credential>> {
  const credentialNumber = extra.credentialNumber ?? unique('CPT');
  const policy = extra.policy ?? getPolicy(extra.policyId ?? 'nasm-cpt');
  const input: CredentialInput = {
    ...newCredentialInput({ credentialNumber, certifiedOn: cycleStart, versions: [policy] }),
    ...(CONTINUE_AS_NEW_AFTER ? { continueAsNewAfterEvents: CONTINUE_AS_NEW_AFTER } : {}),
    ...extra,
  };
  // As the API starts one: search attributes set by the starter, so the run need not upsert them.
  const { workflowId, args, typedSearchAttributes } = startOptions(input, await env.currentTimeMs());
  return env.client.workflow.start(credential, { workflowId, taskQueue, args, typedSearchAttributes });
}

/**
 * The events of every run of the credential's workflow, oldest run first (a run that continued as
 * new names its predecessor in its first event).
 */
export async function historyOfEveryRun(
  handle: WorkflowHandle,
): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  const runs: temporal.api.history.v1.IHistoryEvent[][] = [];
  let runId: string | undefined;
  for (;;) {
    const events = (await handle.client.getHandle(handle.workflowId, runId).fetchHistory()).events ?? [];
    runs.unshift(events);
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    if (!runId) return runs.flat();
  }
}

export function state(handle: WorkflowHandle): Promise<CredentialView> {
  return watch('query', handle.query(getState));
}

let completionSequence = 0;
export async function reportCourse(
  handle: WorkflowHandle,
  units: number,
  completedOn: CalendarDate,
  extra: Partial<CeuCompletion> = {},
): Promise<CeuCompletion> {
  completionSequence += 1;
  const completion: CeuCompletion = {
    provider: 'acme',
    completionId: `done-${completionSequence}`,
    course: `course-${completionSequence}`,
    units,
    completedOn,
    approved: true,
    ...extra,
  };
  await handle.signal(reportCeuCompletion, { ...completion, reportedBy: PROVIDER });
  return completion;
}

export async function reportCpr(
  handle: WorkflowHandle,
  issuedOn: CalendarDate,
  expiresOn: CalendarDate = addDays(issuedOn, 730),
  handsOn = true,
): Promise<void> {
  await handle.signal(reportCprAed, {
    certificationId: `cpr-${issuedOn}-${handsOn ? 'h' : 'o'}`,
    issuedOn,
    expiresOn,
    handsOn,
    reportedBy: PROVIDER,
  });
}

/** 1.90 course CEUs dated `on` plus a hands-on CPR/AED issued `on`: exactly the requirement. */
export async function meetRequirement(handle: WorkflowHandle, on: CalendarDate): Promise<void> {
  await reportCourse(handle, 100, on);
  await reportCourse(handle, 90, on);
  await reportCpr(handle, on);
}

export function apply(handle: WorkflowHandle, amountPaid: number, paymentReference = unique('pay')) {
  return watch(
    'submitApplication',
    handle.executeUpdate(submitApplication, {
      args: [{ amountPaid, paymentReference, submittedBy: HOLDER }],
    }),
  );
}

/** The rejection codes of a failed update, asserting the failure's shape on the way. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Rejection[]> {
  let error: unknown;
  try {
    await watch('rejected update', promise);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  const failure = cause as ApplicationFailure;
  expect(failure.type).toBe(COMMAND_REJECTED);
  const reasons = failure.details?.[0] as Rejection[];
  expect(Array.isArray(reasons)).toBe(true);
  expect(reasons.length).toBeGreaterThan(0);
  for (const reason of reasons) expect(reason.message.length).toBeGreaterThan(10);
  return reasons;
}

export async function codesOf(promise: Promise<unknown>): Promise<string[]> {
  return (await rejectionOf(promise)).map((r) => r.code);
}

/** Polls until `check` passes: activities run after the workflow task that scheduled them. */
export async function eventually(check: () => void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** Like `eventually`, for checks that await (a describe, a query). */
export async function eventuallyAsync(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export interface Scenario {
  readonly queue: string;
  readonly mocks: MockActivities;
  start(
    cycleStart: CalendarDate,
    extra?: Partial<CredentialInput>,
  ): Promise<WorkflowHandle<typeof credential>>;
}

/**
 * One worker per test file, on one task queue, running until `stopSharedWorker()`: workflows a
 * test leaves running still have a worker when the shared clock moves on (a workflow task nobody
 * polls, or one of a terminated workflow, would freeze the time-skipping server's clock).
 * Activities are routed to each scenario's mocks by credential number.
 */
interface SharedWorker {
  readonly queue: string;
  readonly byCredential: Map<string, MockActivities>;
  readonly stop: () => Promise<void>;
}
let shared: Promise<SharedWorker> | null = null;

function startSharedWorker(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
): Promise<SharedWorker> {
  const queue = unique('file');
  const byCredential = new Map<string, MockActivities>();
  const mocksOf = (credentialNumber: string): MockActivities => {
    const mocks = byCredential.get(credentialNumber);
    if (!mocks) throw new Error(`No mocks for ${credentialNumber}`);
    return mocks;
  };
  const activities: CredentialActivities = {
    recordEvents: (batch) => mocksOf(batch.credentialNumber).activities.recordEvents(batch),
    loadPolicyVersions: (policyId) => Promise.resolve([getPolicy(policyId)]),
    recordEvent: (event) => mocksOf(event.credentialNumber).activities.recordEvent(event),
    sendReminder: (request) => mocksOf(request.credentialNumber).activities.sendReminder(request),
    drawAuditNumber: () => {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
      return mocksOf(workflowId.replace(/^credential-/, '')).activities.drawAuditNumber();
    },
  };
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue: queue,
    workflowBundle: bundle,
    activities,
    sinks: mockSinks(env, activities.recordEvents),
  }).then((worker) => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = worker.runUntil(released);
    return {
      queue,
      byCredential,
      stop: async () => {
        release();
        await running;
      },
    };
  });
}

export async function stopSharedWorker(): Promise<void> {
  const current = shared;
  shared = null;
  if (current) await (await current).stop();
}

export async function scenario(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  mocks: MockActivities,
  body: (s: Scenario) => Promise<void>,
): Promise<void> {
  shared ??= startSharedWorker(env, bundle);
  const { queue, byCredential } = await shared;
  await body({
    queue,
    mocks,
    start: (cycleStart, extra) => {
      const credentialNumber = extra?.credentialNumber ?? unique('CPT');
      byCredential.set(credentialNumber, mocks);
      return startCredential(env, queue, cycleStart, { ...extra, credentialNumber });
    },
  });
}

/** Queries until the view satisfies `ready` (e.g. the next run after continue-as-new). */
export async function stateWhen(
  handle: WorkflowHandle,
  ready: (view: CredentialView) => boolean,
  timeoutMs = 10_000,
): Promise<CredentialView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await state(handle);
    if (ready(view)) return view;
    if (Date.now() > deadline)
      throw new Error(`State not reached: ${JSON.stringify(view.phase)} cycle ${view.cycle}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Logs a call still pending after 10 s (diagnostics for a stalled test server). */
export async function watch<T>(what: string, promise: Promise<T>): Promise<T> {
  const timer = setTimeout(() => console.warn(`STALLED: ${what}`), 10_000);
  try {
    return await promise;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The view of the run that started cycle `cycle` (after continue-as-new). Waits for that run's
 * 'cycle_started' first: a query racing the old run's close is never answered by the test server
 * and leaves its clock locked.
 */
export async function stateOfCycle(
  handle: WorkflowHandle,
  mocks: MockActivities,
  cycle: number,
): Promise<CredentialView> {
  await eventually(() =>
    expect(mocks.events.some((e) => e.type === 'cycle_started' && e.cycle === cycle)).toBe(true),
  );
  return state(handle);
}
