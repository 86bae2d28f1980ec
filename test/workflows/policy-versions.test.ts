import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addDays, addYears, startOfDay, type Policy } from '../../rules';
import { NASM_CPT } from '../../rules/policies';
import { publishPolicyVersion } from '../../workflows/contract';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  MockActivities,
  TZ,
  apply,
  at,
  eventually,
  meetRequirement,
  reportCourse,
  reportCpr,
  scenario,
  sleepUntil,
  state,
  stateOfCycle,
  stopSharedWorker,
  today,
} from './helpers';

// Issue 10: rules are versioned data. A cycle keeps the requirement (CEUs, CPR/AED, windows,
// reminders) of the version in force when it started; fees and the audit rate follow the version in
// force on the day a command is received; a version reaches a running credential as a signal.

describe('policy versions (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when a version with a higher fee, another audit rate, a higher requirement and one more reminder takes effect tomorrow, then the running cycle quotes the old fee today and the new one from tomorrow, keeps its requirement and reminders, and audits at the new rate', async () => {
    const mocks = new MockActivities([9999, 9999]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E = addYears(certified, 2);
      await sleepUntil(env, at(addDays(E, -40)));
      const tomorrow = addDays(E, -39);
      const v2: Policy = {
        ...NASM_CPT,
        version: 2,
        effectiveFrom: tomorrow,
        requiredCeus: 300,
        fees: { ...NASM_CPT.fees, renewal: 10_900 },
        auditRateBasisPoints: 10_000,
        reminders: { ...NASM_CPT.reminders, daysBeforeExpiry: [...NASM_CPT.reminders.daysBeforeExpiry, 14] },
      };
      await handle.signal(publishPolicyVersion, v2);
      await handle.signal(publishPolicyVersion, v2);
      const today1 = await state(handle);
      expect(today1.feeQuote).toMatchObject({ total: 9900 });
      expect(today1.ceus.required).toBe(200);
      await eventually(() =>
        expect(mocks.events.filter((e) => e.type === 'policy_version_received')).toEqual([
          expect.objectContaining({ version: 2, effectiveFrom: tomorrow }),
        ]),
      );

      await sleepUntil(env, startOfDay(tomorrow, TZ) + 60_000);
      const today2 = await state(handle);
      expect(today2.feeQuote).toMatchObject({ total: 10_900, lines: [{ code: 'renewal', amount: 10_900 }] });
      // The requirement does not change mid-cycle.
      expect(today2.ceus.required).toBe(200);
      expect(today2.policyVersion).toBe(1);

      // The reminders this cycle was planned with stay: no 14-day reminder in it.
      await sleepUntil(env, at(addDays(E, -10)));
      await meetRequirement(handle, addDays(E, -10));
      const accepted = await apply(handle, 10_900);
      // The audit rate in force (100%) selects whatever the draw.
      expect(accepted).toMatchObject({ fee: { total: 10_900 }, auditSelected: true });
      expect((await state(handle)).remindersSent.filter((k) => k.includes(':before_expiry:'))).toEqual([
        `${certified}:before_expiry:90`,
        `${certified}:before_expiry:60`,
        `${certified}:before_expiry:30`,
      ]);
    });
  });

  it('when a new cycle starts after a version took effect, then it runs under that version (requirement and reminders)', async () => {
    const mocks = new MockActivities([9999]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E = addYears(certified, 2);
      const v2: Policy = {
        ...NASM_CPT,
        version: 2,
        effectiveFrom: addDays(certified, 1),
        requiredCeus: 300,
        reminders: { ...NASM_CPT.reminders, daysBeforeExpiry: [14] },
      };
      await handle.signal(publishPolicyVersion, v2);
      await sleepUntil(env, at(addDays(certified, 2)));
      await meetRequirement(handle, addDays(certified, 2));
      await apply(handle, 9900);
      const cycle2 = await stateOfCycle(handle, mocks, 2);
      expect(cycle2.policyVersion).toBe(2);
      expect(cycle2.ceus.required).toBe(300);
      const E2 = addYears(E, 2);
      await sleepUntil(env, at(addDays(E2, -13)));
      expect((await state(handle)).remindersSent.filter((k) => k.includes(':before_expiry:'))).toEqual([
        `${addDays(E, 1)}:before_expiry:14`,
      ]);
    });
  });

  it('when a policy carries surplus over, then the CEUs beyond the requirement count in the next cycle (without it they do not: renewal.test.ts)', async () => {
    const carrying: Policy = { ...NASM_CPT, id: 'carry-test', version: 1, carryOverSurplus: true };
    const mocks = new MockActivities([9999]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified, {
        policyId: carrying.id,
        policy: carrying,
        policyVersions: [carrying],
      });
      await reportCourse(handle, 230, certified);
      await reportCpr(handle, certified);
      await apply(handle, 9900);
      const cycle2 = await stateOfCycle(handle, mocks, 2);
      expect(cycle2.completions).toEqual([
        expect.objectContaining({
          provider: 'carry-over',
          units: 40,
          completedOn: addDays(addYears(certified, 2), 1),
        }),
      ]);
      expect(cycle2.ceus.fromCourses).toBe(40);
    });
  });

  it('when a version of another policy or a malformed one is signalled, then it is refused and recorded', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const handle = await start(await today(env));
      await handle.signal(publishPolicyVersion, { ...NASM_CPT, id: 'ace-cpt', version: 5 });
      await handle.signal(publishPolicyVersion, { ...NASM_CPT, version: 6, timeZone: 'Mars/Olympus' });
      await eventually(() =>
        expect(mocks.events.filter((e) => e.type === 'command_refused').map((e) => e.reason)).toEqual([
          expect.stringMatching(/runs under policy nasm-cpt, not ace-cpt/),
          expect.stringMatching(/timeZone: use an IANA time zone/),
        ]),
      );
      expect((await state(handle)).feeQuote).toMatchObject({ total: 9900 });
    });
  });
});
