import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addYears, endOfDay } from '../../rules';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import { MockActivities, TZ, scenario, stopSharedWorker, today } from './helpers';

describe('credential workflow on real timers', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when a credential certified today is never renewed, then its real timers run two years to the end of E in Phoenix time and on to the lapse, in seconds of wall time', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const started = await env.currentTimeMs();
      const certified = await today(env);
      const wallStart = Date.now();
      const handle = await start(certified);
      const outcome = await handle.result();
      const skipped = (await env.currentTimeMs()) - started;
      const E = addYears(certified, 2);

      expect(outcome).toMatchObject({ phase: 'Lapsed', cycle: 1, closedOn: addYears(E, 1) });
      const cycleStarted = mocks.events.find((e) => e.type === 'cycle_started');
      expect(cycleStarted).toMatchObject({ dates: { start: certified, expiration: E } });
      const expired = mocks.events.find((e) => e.type === 'phase_changed' && e.to === 'ExpiredLate');
      expect(expired?.at).toBeGreaterThanOrEqual(endOfDay(E, TZ));
      // Three calendar years of workflow time passed (to the lapse date), not ms '2 years'.
      expect(started + skipped).toBeGreaterThanOrEqual(endOfDay(addYears(E, 1), TZ) - 24 * 3600 * 1000);
      expect(skipped).toBeGreaterThan(3 * 365 * 24 * 3600 * 1000);
      expect(Date.now() - wallStart).toBeLessThan(60_000);
    });
  });
});
