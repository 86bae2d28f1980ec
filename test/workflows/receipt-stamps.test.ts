import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addDays, addYears, endOfDay } from '../../rules';
import { submitApplication, type SubmitApplication } from '../../workflows/contract';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  HOLDER,
  MockActivities,
  TZ,
  codesOf,
  createWorker,
  eventually,
  meetRequirement,
  sleepUntil,
  startCredential,
  today,
  unique,
} from './helpers';

// Issue 9: "the day received" is the day the API received the command, not the moment a worker
// processed it. Its own file (and test server): it stops the worker across midnight.

describe('receipt stamps across midnight (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('when an application the API received at 23:59:50 on E reaches the worker after midnight (worker stopped across the boundary), then it is received on E: $99, where an unstamped one is refused as underpaid', async () => {
    const queue = unique('stamp');
    const mocks = new MockActivities();
    const now = await today(env);
    // Certified two years ago tomorrow: E is tomorrow.
    const certified = addDays(addYears(now, -2), 1);
    const E = addDays(now, 1);
    const stamped = await startCredential(env, queue, certified);
    const unstamped = await startCredential(env, queue, certified);
    const before = await createWorker(env, bundle, queue, mocks, { maxCachedWorkflows: 0 });
    await before.runUntil(async () => {
      await meetRequirement(stamped, now);
      await meetRequirement(unstamped, now);
      // Both recorded the three reports (no query: this worker keeps no workflow cache).
      await eventually(
        () => expect(mocks.eventTypes().filter((t) => t.endsWith('_reported'))).toHaveLength(6),
        60_000,
      );
    });

    // No worker: the API accepts both at 23:59:50 on E; they wait in the server past midnight.
    const receivedAt = endOfDay(E, TZ) - 10_000;
    await sleepUntil(env, receivedAt);
    const command: SubmitApplication = { paymentReference: 'pay-1', amountPaid: 9900, submittedBy: HOLDER };
    const outcomes = [
      stamped.executeUpdate(submitApplication, {
        args: [{ ...command, receivedAt: new Date(receivedAt).toISOString() }],
      }),
      unstamped.executeUpdate(submitApplication, { args: [command] }),
    ].map((p) =>
      p.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    );
    await env.sleep(15_000);

    const after = await createWorker(env, bundle, queue, mocks);
    const [first, second] = await after.runUntil(async () => {
      const settled = await Promise.all(outcomes);
      // Nothing of this queue may stay running once its worker stops: the shared clock would stall.
      await Promise.all([stamped.terminate('test done'), unstamped.terminate('test done')]);
      return settled;
    });
    expect(first).toMatchObject({ value: { receivedOn: E, fee: { window: 'in_cycle', total: 9900 } } });
    expect(second).toHaveProperty('error');
    expect(await codesOf(Promise.reject((second as { error: Error }).error))).toEqual(['underpaid']);
  });
});
