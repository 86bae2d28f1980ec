import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addYears, endOfDay } from '../../rules';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  MockActivities,
  TZ,
  eventually,
  reportCourse,
  scenario,
  sleepUntil,
  state,
  stopSharedWorker,
  today,
} from './helpers';

// Issue 8: "Request Cancellation" (the Temporal UI's big button, or the CLI) is not a way to lose a
// credential. Not in the `workflows-continued` project: the time-skipping test server fails to
// continue a run that has a cancellation request as new ("StartWorkflowExecutionRequest missing
// method getNamespace"); the real server does it: test/integration/cancellation.test.ts.

describe('cancellation requests (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when "Request Cancellation" is sent (UI or CLI), then it is refused and recorded, the run keeps going and still expires at the end of E', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await handle.cancel();
      await eventually(() => expect(mocks.eventTypes()).toContain('cancel_refused'));
      expect(mocks.events.find((e) => e.type === 'cancel_refused')?.reason).toMatch(/revocation/);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      const view = await state(handle);
      expect(view.nextDeadline?.what).toBe('expiration');
      // Its timers still run: it expires on time, and commands still work.
      const E = addYears(certified, 2);
      await sleepUntil(env, endOfDay(E, TZ) + 60_000);
      expect((await state(handle)).phase).toBe('ExpiredLate');
      await reportCourse(handle, 190, certified);
      expect((await state(handle)).ceus.fromCourses).toBe(190);
    });
  });
});
