import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { recordingFailed, upgrade, type RecordingFailed } from '../../workflows/contract';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  MockActivities,
  OPS,
  eventually,
  eventuallyAsync,
  reportCourse,
  scenario,
  state,
  stopSharedWorker,
  today,
  refusals,
} from './helpers';

// Runs record their events by the worker's sink (worker/projection-sink.ts), with no activity in
// their history; a batch PostgreSQL does not take comes back to its run by `recordingFailed`, and
// the run records it, and everything after it, by its activities, in order.

/** Local activities the run called (each is a marker); the patch's own marker does not count. */
async function localActivities(handle: WorkflowHandle): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
}

async function signalsOf(handle: WorkflowHandle, name: string): Promise<number> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name).length;
}

const ceuKeys = (mocks: MockActivities): string[] =>
  mocks.events.filter((e) => e.type === 'ceu_completion_reported').map((e) => e.key);

describe('recording by sink, and the way back when PostgreSQL does not take a batch (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when PostgreSQL refuses a batch, then the worker hands it back and the run records it, and what came after it, in order, by its activities', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await reportCourse(handle, 10, certified);
      await eventually(() => expect(ceuKeys(mocks)).toHaveLength(1));
      // Recorded by the worker's sink: no activity, local or not, in the history.
      expect(await localActivities(handle)).toBe(0);
      expect((await handle.fetchHistory()).events?.some((e) => e.activityTaskScheduledEventAttributes)).toBe(
        false,
      );

      mocks.failures = 1;
      const a = await reportCourse(handle, 20, certified);
      const b = await reportCourse(handle, 30, certified);
      await eventually(() => expect(ceuKeys(mocks)).toHaveLength(3));
      expect(mocks.failures).toBe(0);
      expect(await signalsOf(handle, 'recordingFailed')).toBe(1);
      // The marker is written when the task that ran the local activity completes.
      await eventuallyAsync(async () => expect(await localActivities(handle)).toBeGreaterThan(0));
      const reported = mocks.events.filter((e) => e.type === 'ceu_completion_reported');
      expect(reported.map((e) => e.type === 'ceu_completion_reported' && e.completion.completionId)).toEqual([
        expect.any(String),
        a.completionId,
        b.completionId,
      ]);
      const view = await state(handle);
      expect(view.ceus.fromCourses).toBe(60);
      expect(refusals(mocks)).toEqual([]);
    });
  });

  it('when someone sends recordingFailed by hand (the UI, a backend), then a batch the run does not have is refused and recorded, and one it has is recorded again with no fact repeated', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await reportCourse(handle, 10, certified);
      await eventually(() => expect(ceuKeys(mocks)).toHaveLength(1));

      await handle.signal(recordingFailed, { batch: 99 });
      await handle.signal(recordingFailed, { batch: 'last' } as unknown as RecordingFailed);
      await eventually(() => expect(refusals(mocks)).toHaveLength(2));
      const [unknown, malformed] = refusals(mocks);
      expect(unknown?.command).toBe('recordingFailed');
      expect(unknown?.reason).toMatch(
        /no batch 99 waiting to be recorded.*Only the worker sends this signal/,
      );
      expect(malformed?.reason).toMatch(/batch: /);
      // Refused, it changed nothing: the run still records by sink.
      expect(await localActivities(handle)).toBe(0);

      // The last batch by sink is named by its sequence: every batch so far went by sink, once each.
      const last = mocks.batches.length;
      const before = mocks.events.length;
      await handle.signal(recordingFailed, { batch: last });
      await reportCourse(handle, 20, certified);
      await eventually(() => expect(ceuKeys(mocks)).toHaveLength(2));
      expect(mocks.events).toHaveLength(before + 1);
      await eventuallyAsync(async () => expect(await localActivities(handle)).toBeGreaterThan(0));
      expect(refusals(mocks)).toHaveLength(2);
      expect((await state(handle)).ceus.fromCourses).toBe(30);
    });
  });

  it('when a run continues as new, then its last batch sent by sink goes along and is recorded again (its failure could not reach a closed run)', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const { runId } = await handle.describe();
      await reportCourse(handle, 10, certified);
      await eventually(() => expect(ceuKeys(mocks)).toHaveLength(1));
      const [key] = ceuKeys(mocks);
      await handle.signal(upgrade, { requestedBy: OPS });
      await eventually(() => expect(mocks.events.map((e) => e.type)).toContain('continued_as_new'));
      const carrying = mocks.batches.filter((batch) => batch.events.some((e) => e.key === key));
      expect(carrying).toHaveLength(2);
      expect(carrying[1]?.events.map((e) => e.type)).toEqual(['ceu_completion_reported', 'continued_as_new']);
      expect((await handle.describe()).runId).not.toBe(runId);
      expect(ceuKeys(mocks)).toEqual([key]);
    });
  });
});
