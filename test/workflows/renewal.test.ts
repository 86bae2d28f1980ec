import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addDays, addYears, endOfDay } from '../../rules';
import { decidePetition, filePetition, revoke } from '../../workflows/contract';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  HOLDER,
  MockActivities,
  OPS,
  TZ,
  apply,
  at,
  codesOf,
  eventually,
  meetRequirement,
  rejectionOf,
  reportCourse,
  reportCpr,
  sleepUntil,
  scenario,
  stopSharedWorker,
  state,
  stateOfCycle,
  today,
  unique,
} from './helpers';

describe('renewals, petitions and revocation (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when renewed on time and then late, then each renewal continues as new into a cycle starting E+1, the late one consumes its post-E courses and the third cycle keeps the dates', async () => {
    const mocks = new MockActivities([9999, 9999]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E1 = addYears(certified, 2);

      // Cycle 1: requirement met on day 1, applied on time: $99, not audited, renewed at once.
      await sleepUntil(env, at(addDays(certified, 1)));
      await meetRequirement(handle, addDays(certified, 1));
      const accepted = await apply(handle, 9900);
      expect(accepted).toMatchObject({ auditSelected: false, auditDocumentsDueOn: null });
      expect(accepted.fee).toMatchObject({ window: 'in_cycle', total: 9900 });

      const cycle2 = await stateOfCycle(handle, mocks, 2);
      expect(cycle2.cycle).toBe(2);
      expect(cycle2.phase).toBe('Active');
      // The spec's renewal: E+1 day to E+2 years.
      const start2 = addDays(E1, 1);
      const E2 = addYears(E1, 2);
      expect(cycle2.dates).toMatchObject({ start: start2, expiration: E2 });
      // The surplus of cycle 1 does not carry; the CPR/AED issued in cycle 1 expires before cycle 2.
      expect(cycle2.completions).toEqual([]);
      const decided = mocks.events.find((e) => e.type === 'application_decided');
      expect(decided).toMatchObject({ outcome: 'approved', charged: [{ code: 'renewal', amount: 9900 }] });
      await eventually(() => expect(mocks.eventTypes().slice(-2)).toEqual(['renewed', 'cycle_started']));

      // Cycle 2: 1.50 CEUs in cycle; not applied by E2, so it expires; 0.40 after E2 completes the
      // requirement for a late renewal, and a further 0.50 after E2 is left for cycle 3.
      await sleepUntil(env, at(addDays(start2, 10)));
      await reportCourse(handle, 150, addDays(start2, 10));
      await reportCpr(handle, addDays(start2, 10), addDays(E2, 400));
      await sleepUntil(env, at(addDays(E2, 5)));
      expect((await state(handle)).phase).toBe('ExpiredLate');
      const consumed = await reportCourse(handle, 40, addDays(E2, 5));
      const surplus = await reportCourse(handle, 50, addDays(E2, 5), { completionId: 'zz-later' });
      const codes = await codesOf(apply(handle, 9900));
      expect(codes).toEqual(['underpaid']);
      const late = await apply(handle, 12_900);
      expect(late.fee).toMatchObject({ window: 'late', total: 12_900 });

      const cycle3 = await stateOfCycle(handle, mocks, 3);
      expect(cycle3.cycle).toBe(3);
      const start3 = addDays(E2, 1);
      // Late renewal does not move the dates: cycle 3 runs E2+1 day .. E2+2 years.
      const E3 = addYears(E2, 2);
      expect(cycle3.dates).toEqual({
        start: start3,
        expiration: E3,
        lateWindowEnd: addDays(E3, 90),
        courseCutoff: addDays(E3, 90),
        lapseDate: addYears(E3, 1),
      });
      expect(cycle3.phase).toBe('Active');
      expect(cycle3.completions.map((c) => c.completionId)).toEqual([surplus.completionId]);
      expect(cycle3.ceus.counted.map((c) => c.key)).toEqual([`acme:${surplus.completionId}`]);
      expect(cycle3.ceus.excluded).toEqual([]);
      expect(cycle3.cprAed).toHaveLength(1);
      expect(cycle3.ceus.fromCprAed).toBe(10);
      // The consumed course does not count again when reported again: it is a repeat of cycle 2's report.
      await reportCourse(handle, 40, consumed.completedOn, {
        completionId: consumed.completionId,
        course: consumed.course,
      });
      const again = await state(handle);
      expect(again.completions).toHaveLength(1);
      expect(again.ceus.fromCourses).toBe(50);

      await eventually(() => expect(mocks.eventTypes().filter((t) => t === 'cycle_started')).toHaveLength(3));
      const renewed = mocks.events.filter((e) => e.type === 'renewed');
      expect(renewed.map((e) => e.cycle)).toEqual([1, 2]);
      const started = mocks.events.filter((e) => e.type === 'cycle_started');
      expect(started.map((e) => e.cycle)).toEqual([1, 2, 3]);
      // Cycle 2 was not applied for before E2: its before-expiry reminders and 'expired' went out.
      expect(mocks.reminderKeys()).toEqual([
        `${start2}:before_expiry:90`,
        `${start2}:before_expiry:60`,
        `${start2}:before_expiry:30`,
        `${start2}:before_expiry:7`,
        `${start2}:expired:0`,
      ]);
      const lateDecided = mocks.events.filter((e) => e.type === 'application_decided').at(-1);
      expect(lateDecided).toMatchObject({
        charged: [
          { code: 'renewal', amount: 9900 },
          { code: 'late', amount: 3000 },
        ],
      });
    });
  });

  it('when the same completion or CPR/AED is reported twice, then it counts and is recorded once', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const course = await reportCourse(handle, 100, certified);
      await reportCourse(handle, 100, certified, { completionId: course.completionId });
      await reportCpr(handle, certified);
      await reportCpr(handle, certified);
      const view = await state(handle);
      expect(view.completions).toHaveLength(1);
      expect(view.cprAed).toHaveLength(1);
      expect(view.ceus.earned).toBe(110);
      await eventually(() => {
        expect(mocks.eventTypes().filter((t) => t === 'ceu_completion_reported')).toHaveLength(1);
        expect(mocks.eventTypes().filter((t) => t === 'cpr_aed_reported')).toHaveLength(1);
      });
    });
  });

  it('when petitions are filed and decided, then the fee is charged on filing, approved units count, a denied fee stays paid, and every invalid command is rejected with its reasons', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await sleepUntil(env, at(addDays(certified, 20)));
      const petition = (overrides: Record<string, unknown> = {}) =>
        handle.executeUpdate(filePetition, {
          args: [
            {
              course: 'Kettlebell workshop',
              provider: 'gym-42',
              requestedUnits: 80,
              completedOn: addDays(certified, 10),
              paymentReference: unique('pp'),
              amountPaid: 2500,
              filedBy: HOLDER,
              ...overrides,
            },
          ],
        });
      const decide = (petitionId: string, overrides: Record<string, unknown>) =>
        handle.executeUpdate(decidePetition, {
          args: [{ petitionId, decision: 'approved', decidedBy: OPS, ...overrides }],
        });

      expect(await codesOf(petition({ amountPaid: 2499 }))).toEqual(['underpaid']);
      expect(await codesOf(petition({ completedOn: addDays(certified, -1), amountPaid: 0 }))).toEqual([
        'course_outside_cycle',
        'underpaid',
      ]);
      // A malformed message is refused as a whole, every field named in one reason.
      const malformed = await rejectionOf(petition({ requestedUnits: 0, completedOn: '2026-02-30' }));
      expect(malformed.map((r) => r.code)).toEqual(['invalid_message']);
      expect(malformed[0]?.message).toMatch(/requestedUnits: .*completedOn: /);
      expect(await codesOf(petition({ completedOn: addDays(certified, 30) }))).toEqual(['invalid_request']);

      const filed = await petition();
      expect(filed.fee).toMatchObject({ code: 'petition', amount: 2500 });
      const second = await petition({ course: 'Yoga for trainers', requestedUnits: 50 });

      expect(await codesOf(decide('nope', {}))).toEqual(['petition_not_found']);
      expect(await codesOf(decide(filed.petitionId, { grantedUnits: 81 }))).toEqual([
        'granted_exceeds_requested',
      ]);
      expect(await codesOf(decide(filed.petitionId, { decision: 'denied' }))).toEqual(['reason_required']);

      const approved = await decide(filed.petitionId, { grantedUnits: 60 });
      expect(approved).toMatchObject({ status: 'approved', grantedUnits: 60 });
      expect(await codesOf(decide(filed.petitionId, {}))).toEqual(['petition_not_pending']);
      const denied = await decide(second.petitionId, { decision: 'denied', reason: 'Not fitness content' });
      expect(denied).toMatchObject({ status: 'denied', reason: 'Not fitness content', grantedUnits: null });
      expect(denied.fee.amount).toBe(2500);

      const view = await state(handle);
      // Approved units count as of the course's completion date; the denied petition adds nothing.
      expect(view.ceus.counted).toEqual([
        expect.objectContaining({ key: `petition:${filed.petitionId}`, units: 60, source: 'petition' }),
      ]);
      expect(view.petitions.map((p) => [p.status, p.fee.amount])).toEqual([
        ['approved', 2500],
        ['denied', 2500],
      ]);
      const filedEvents = mocks.events.filter((e) => e.type === 'petition_filed');
      expect(filedEvents.map((e) => e.amountPaid)).toEqual([2500, 2500]);
      await eventually(() =>
        expect(mocks.eventTypes().filter((t) => t === 'petition_decided')).toHaveLength(2),
      );
    });
  });

  it('when ops revoke a credential, then a reason is required, the workflow closes as Revoked and a pending application is denied', async () => {
    const mocks = new MockActivities([0]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await meetRequirement(handle, certified);
      const accepted = await apply(handle, 9900);
      expect(accepted.auditSelected).toBe(true);
      const revokeWith = (reason: string) =>
        handle.executeUpdate(revoke, { args: [{ reason, revokedBy: OPS }] });
      expect(await codesOf(revokeWith('  '))).toEqual(['invalid_message']);
      const view = await revokeWith('Fraudulent CPR card');
      expect(view.phase).toBe('Revoked');
      expect(view.application).toMatchObject({ status: 'denied' });
      expect(await handle.result()).toEqual({
        credentialNumber: view.credentialNumber,
        cycle: 1,
        phase: 'Revoked',
        closedOn: certified,
      });
      expect(
        mocks.events.filter((e) => e.type === 'phase_changed').map((e) => e.type === 'phase_changed' && e.to),
      ).toEqual(['Revoked']);
      expect(mocks.eventTypes()).toEqual(
        expect.arrayContaining(['application_decided', 'revoked', 'phase_changed']),
      );
      const actorOf = mocks.events.find((e) => e.type === 'revoked')?.actor;
      expect(actorOf).toEqual(OPS);
      // The audit timer no longer matters: nothing ran after the revocation.
      expect(endOfDay(certified, TZ)).toBeGreaterThan(0);
    });
  });
});
