import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addDays, addYears, cycleReminders, cycleDates } from '../../rules';
import { NASM_CPT } from '../../rules/policies';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  MockActivities,
  at,
  createWorker,
  sleepUntil,
  startCredential,
  state,
  today,
  unique,
} from './helpers';

describe('reminders (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('when nobody applies, then every reminder of the cycle is sent once at its moment, also across a worker restart mid-cycle', async () => {
    const queue = unique('reminders');
    const mocks = new MockActivities();
    const certified = await today(env);
    const dates = cycleDates(certified, NASM_CPT);
    const E = addYears(certified, 2);
    const handle = await startCredential(env, queue, certified);
    try {
      // First worker: up to the day after the 60-day reminder. No workflow cache, so no sticky
      // queue pointing at a worker that is gone (the test server does not fall back from it).
      const first = await createWorker(env, bundle, queue, mocks, { maxCachedWorkflows: 0 });
      await first.runUntil(async () => {
        await sleepUntil(env, at(addDays(E, -59)));
        expect((await state(handle)).remindersSent).toEqual([
          `${certified}:before_expiry:90`,
          `${certified}:before_expiry:60`,
        ]);
      });
      // A new worker (fresh workflow cache): the run replays its history, nothing is re-sent.
      const second = await createWorker(env, bundle, queue, mocks);
      await second.runUntil(async () => {
        await sleepUntil(env, at(addDays(dates.lapseDate, -1)));
        const view = await state(handle);
        const expected = cycleReminders(dates, NASM_CPT).map((m) => m.key);
        expect(view.remindersSent).toEqual(expected);
        expect(mocks.reminderKeys()).toEqual(expected);
        const expired = mocks.reminders.find((r) => r.reminder.kind === 'expired');
        expect(expired?.facts).toMatchObject({
          expiration: E,
          feeDueCents: 12_900,
          ceusMissingHundredths: 200,
        });
        const sevenDays = mocks.reminders.find((r) => r.reminder.key.endsWith('before_expiry:7'));
        expect(sevenDays?.reminder.on).toBe(addDays(E, -7));
        expect(sevenDays?.facts).toMatchObject({ feeDueCents: 9900, ceusMissingHundredths: 200 });
      });
    } finally {
      await handle.terminate('test finished').catch(() => undefined);
    }
  });
});
