import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addDays, addYears } from '../../rules';
import {
  decidePetition,
  filePetition,
  submitApplication,
  type FilePetition,
  type SubmitApplication,
} from '../../workflows/contract';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  HOLDER,
  MockActivities,
  OPS,
  apply,
  at,
  codesOf,
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
  refusals,
} from './helpers';

// Issue 9: a command means the same thing whenever and however often it arrives.

describe('seams: receipt time, retries across renewal, corrections (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when an accepted application and a filed petition are retried with the same idempotency key after the renewal, then each gets its first answer and nothing is charged twice', async () => {
    const mocks = new MockActivities([9999]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const petitionCommand: FilePetition = {
        course: 'Workshop',
        requestedUnits: 40,
        completedOn: certified,
        paymentReference: 'pet-pay-1',
        amountPaid: 2500,
        filedBy: HOLDER,
      };
      const filed = await handle.executeUpdate(filePetition, {
        args: [petitionCommand],
        updateId: 'filePetition:pet-1',
      });
      await meetRequirement(handle, certified);
      const command: SubmitApplication = { paymentReference: 'pay-1', amountPaid: 9900, submittedBy: HOLDER };
      const accepted = await handle.executeUpdate(submitApplication, {
        args: [command],
        updateId: 'submitApplication:app-1',
      });
      const cycle2 = await stateOfCycle(handle, mocks, 2);
      expect(cycle2.cycle).toBe(2);

      // The portal timed out and retries after the renewal: the first answers, not "CEUs short".
      const again = await handle.executeUpdate(submitApplication, {
        args: [command],
        updateId: 'submitApplication:app-1',
      });
      expect(again).toEqual(accepted);
      const refiled = await handle.executeUpdate(filePetition, {
        args: [petitionCommand],
        updateId: 'filePetition:pet-1',
      });
      expect(refiled).toEqual(filed);
      // The same payment under a new key is a second petition on one fee: refused.
      expect(
        await codesOf(
          handle.executeUpdate(filePetition, {
            args: [{ ...petitionCommand, completedOn: addDays(addYears(certified, 2), 1) }],
            updateId: 'filePetition:pet-2',
          }),
        ),
      ).toContain('duplicate_payment');
      const view = await state(handle);
      expect(view.application).toBeNull();
      expect(view.petitions.map((p) => p.petitionId)).toEqual([filed.petitionId]);
      expect(mocks.events.filter((e) => e.type === 'petition_filed')).toHaveLength(1);
      expect(mocks.events.filter((e) => e.type === 'application_received')).toHaveLength(1);
    });
  });

  it('when a provider re-sends a completion with different facts, then the correction is refused with both versions and the first report stands', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await reportCourse(handle, 50, certified, { completionId: 'A-1', course: 'Nutrition' });
      await reportCourse(handle, 50, certified, { completionId: 'A-1', course: 'Nutrition' });
      await reportCourse(handle, 100, certified, { completionId: 'A-1', course: 'Nutrition' });
      await eventually(() => expect(refusals(mocks)).toHaveLength(1));
      const [refused] = refusals(mocks);
      expect(refused?.reasons.map((r) => r.code)).toEqual(['conflicting_correction']);
      expect(refused?.reasons[0]?.message).toContain('"Nutrition", 0.50 CEUs');
      expect(refused?.reasons[0]?.message).toContain('"Nutrition", 1.00 CEUs');
      expect(refused?.report).toEqual({ kind: 'ceu', source: 'acme', id: 'A-1' });
      const view = await state(handle);
      expect(view.completions).toHaveLength(1);
      expect(view.ceus.fromCourses).toBe(50);
    });
  });

  it('when a report will not count (before the cycle, not approved, a CPR/AED not hands-on), then its record says why', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await reportCourse(handle, 50, addDays(certified, -3), { completionId: 'old' });
      await reportCourse(handle, 50, certified, { completionId: 'unapproved', approved: false });
      await reportCourse(handle, 50, certified, { completionId: 'good' });
      await reportCpr(handle, certified, addDays(certified, 700), false);
      await state(handle);
      await eventually(() =>
        expect(mocks.events.filter((e) => 'standing' in e && e.standing)).toHaveLength(4),
      );
      const standing = (id: string) =>
        mocks.events.find(
          (e) =>
            (e.type === 'ceu_completion_reported' && e.completion.completionId === id) ||
            (e.type === 'cpr_aed_reported' && e.certification.certificationId === id),
        );
      expect(standing('old')).toMatchObject({ standing: { counted: false, reason: 'before_cycle' } });
      expect(standing('unapproved')).toMatchObject({ standing: { counted: false, reason: 'not_approved' } });
      expect(standing('good')).toMatchObject({ standing: { counted: true }, ceusEarned: 50 });
      expect(standing(`cpr-${certified}-o`)).toMatchObject({
        standing: { counted: false, reason: 'cpr_aed_not_hands_on' },
      });
    });
  });

  it('when a petition filed in one cycle is decided after the renewal, then the approval says its CEUs count nowhere, and its fee stays paid', async () => {
    const mocks = new MockActivities([9999]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await sleepUntil(env, at(addDays(certified, 10)));
      const filed = await handle.executeUpdate(filePetition, {
        args: [
          {
            course: 'Workshop',
            requestedUnits: 40,
            completedOn: addDays(certified, 5),
            paymentReference: 'pp-1',
            amountPaid: 2500,
            filedBy: HOLDER,
          },
        ],
      });
      await meetRequirement(handle, addDays(certified, 10));
      await apply(handle, 9900);
      const cycle2 = await stateOfCycle(handle, mocks, 2);
      expect(cycle2.petitions.map((p) => [p.petitionId, p.status])).toEqual([[filed.petitionId, 'pending']]);
      const decided = await handle.executeUpdate(decidePetition, {
        args: [{ petitionId: filed.petitionId, decision: 'approved', decidedBy: OPS }],
      });
      expect(decided).toMatchObject({ status: 'approved', grantedUnits: 40, fee: { amount: 2500 } });
      expect(decided.note).toMatch(/already renewed: the granted CEUs cannot count toward any open cycle/);
      const view = await state(handle);
      expect(view.ceus.fromCourses).toBe(0);
      expect(view.ceus.excluded).toEqual([
        expect.objectContaining({ key: `petition:${filed.petitionId}`, reason: 'before_cycle' }),
      ]);
    });
  });

  it('when a late renewal needs 0.10 and post-E courses of 0.50, 0.10 and 0.30 were completed, then only the 0.10 course is consumed and the others stay for the next cycle', async () => {
    const mocks = new MockActivities([9999]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E = addYears(certified, 2);
      await reportCourse(handle, 180, certified);
      await sleepUntil(env, at(addDays(E, 10)));
      const big = await reportCourse(handle, 50, addDays(E, 2), { completionId: 'big' });
      const small = await reportCourse(handle, 10, addDays(E, 4), { completionId: 'small' });
      const middle = await reportCourse(handle, 30, addDays(E, 3), { completionId: 'middle' });
      await reportCpr(handle, addDays(E, 10));
      await apply(handle, 12_900);
      const cycle2 = await stateOfCycle(handle, mocks, 2);
      const decided = mocks.events.find((e) => e.type === 'application_decided');
      expect(decided).toMatchObject({ consumes: [`acme:${small.completionId}`] });
      expect(cycle2.completions.map((c) => c.completionId).sort()).toEqual(
        [big.completionId, middle.completionId].sort(),
      );
      expect(cycle2.ceus.fromCourses).toBe(80);
    });
  });
});
