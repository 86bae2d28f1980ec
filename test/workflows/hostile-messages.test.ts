import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addDays, addYears } from '../../rules';
import { isWellFormedText } from '../../rules/fields';
import {
  decideAudit,
  reportCeuCompletion,
  reportCprAed,
  submitAuditDocuments,
  type DecideAudit,
  type ReportCeuCompletion,
} from '../../workflows/contract';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  HOLDER,
  MockActivities,
  OPS,
  PROVIDER,
  apply,
  at,
  eventually,
  meetRequirement,
  rejectionOf,
  reportCourse,
  scenario,
  sleepUntil,
  state,
  stopSharedWorker,
  today,
  refusals,
} from './helpers';

// Issue 8: whatever a client sends (the API, a backend talking to Temporal, ops in the Temporal UI),
// no message stalls, kills or corrupts a credential: a bad one is refused with its reason and the
// refusal recorded, and the credential goes on.

/** A signal sent with any payload, as the Temporal UI's "Send a Signal" would. */
function raw(payload: Record<string, unknown>): ReportCeuCompletion {
  return payload as unknown as ReportCeuCompletion;
}

describe('hostile and malformed messages (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when ops send reportCeuCompletion from the UI in the API shape ("units":"0.50", no reportedBy), then it is refused with what to send, recorded, and the credential goes on', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await handle.signal(
        reportCeuCompletion,
        raw({
          provider: 'acme-ce',
          completionId: 'A-1',
          course: 'Nutrition',
          units: '0.50',
          completedOn: certified,
          approved: true,
        }),
      );
      const view = await state(handle);
      expect(view.completions).toEqual([]);
      await eventually(() => expect(refusals(mocks)).toHaveLength(1));
      const [refused] = refusals(mocks);
      expect(refused).toMatchObject({
        command: 'reportCeuCompletion',
        actor: { kind: 'system', id: 'unidentified-sender' },
        report: { kind: 'ceu', source: 'acme-ce', id: 'A-1' },
      });
      expect(refused?.reasons.map((r) => r.code)).toEqual(['invalid_message']);
      expect(refused?.reasons[0]?.message).toMatch(/units: send whole hundredths of a CEU as an integer/);
      expect(refused?.reasons[0]?.message).toMatch(/reportedBy: send the actor as/);
      expect(refused?.received).toContain('"units":"0.50"');

      // The credential is whole: reads answer, valid reports count, an application passes.
      await meetRequirement(handle, certified);
      const accepted = await apply(handle, 9900);
      expect(accepted.fee.total).toBe(9900);
    });
  });

  it('when values that would poison the database arrive (units over the range, year 0, a lone surrogate, an unknown field), then each is refused and its record is storable text', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const valid = {
        provider: 'acme',
        completionId: 'X',
        course: 'Course',
        units: 50,
        completedOn: certified,
        approved: true,
        reportedBy: PROVIDER,
      };
      await handle.signal(reportCeuCompletion, raw({ ...valid, completionId: 'X1', units: 30_000_000 }));
      await handle.signal(
        reportCeuCompletion,
        raw({ ...valid, completionId: 'X2', completedOn: '0000-01-01' }),
      );
      await handle.signal(
        reportCeuCompletion,
        raw({ ...valid, completionId: 'X3', course: 'Half \ud83d emoji' }),
      );
      await handle.signal(reportCeuCompletion, raw({ ...valid, completionId: 'X4', unit: 50 }));
      await handle.signal(
        reportCeuCompletion,
        raw({ ...valid, completionId: 'X5', reportedBy: { kind: 'system', id: 'me' } }),
      );
      await handle.signal(reportCprAed, {
        certificationId: 'C1',
        issuedOn: certified,
        expiresOn: addDays(certified, -1),
        handsOn: true,
        reportedBy: PROVIDER,
      });
      expect((await state(handle)).completions).toEqual([]);
      expect((await state(handle)).cprAed).toEqual([]);
      await eventually(() => expect(refusals(mocks)).toHaveLength(6));
      const byId = new Map(refusals(mocks).map((r) => [r.report?.id, r]));
      expect(byId.get('X1')?.reasons[0]?.message).toMatch(/units: must be at most 9999 hundredths/);
      expect(byId.get('X2')?.reasons[0]?.message).toMatch(/completedOn: use a date from 1900-01-01/);
      expect(byId.get('X3')?.reasons[0]?.message).toMatch(/course: must be well-formed Unicode/);
      expect(byId.get('X4')?.reasons[0]?.message).toMatch(/unit/);
      expect(byId.get('X5')?.reasons[0]?.message).toMatch(
        /reportedBy.kind: kind must be service, portal or ops/,
      );
      expect(byId.get('C1')?.reasons.map((r) => r.code)).toEqual(['invalid_message']);
      expect(byId.get('C1')?.reasons[0]?.message).toMatch(/expires on .* before it was issued/);
      for (const refusal of refusals(mocks)) expect(isWellFormedText(refusal.received)).toBe(true);
      // Then a valid one counts.
      await handle.signal(reportCeuCompletion, valid);
      expect((await state(handle)).ceus.fromCourses).toBe(50);
    });
  });

  it('when a completion is dated after the day it is reported, then it is refused (dated_in_future) and counts for nothing', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await reportCourse(handle, 190, addDays(certified, 1));
      await eventually(() => expect(refusals(mocks)).toHaveLength(1));
      expect(refusals(mocks)[0]?.reasons.map((r) => r.code)).toEqual(['dated_in_future']);
      expect((await state(handle)).ceus.fromCourses).toBe(0);
      // Reported again once it is completed, it counts.
      await sleepUntil(env, at(addDays(certified, 1)));
      await reportCourse(handle, 190, addDays(certified, 1));
      expect((await state(handle)).ceus.fromCourses).toBe(190);
    });
  });

  it('when two providers\' ids would merge under a "provider:id" key ("acme:2026"+"A-1" and "acme"+"2026:A-1"), then both count', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await reportCourse(handle, 50, certified, { provider: 'acme:2026', completionId: 'A-1' });
      await reportCourse(handle, 70, certified, { provider: 'acme', completionId: '2026:A-1' });
      const view = await state(handle);
      expect(view.completions).toHaveLength(2);
      expect(view.ceus.fromCourses).toBe(120);
      expect(new Set(view.ceus.counted.map((c) => c.key)).size).toBe(2);
    });
  });

  it('when an update arrives without its actor (decideAudit from the UI without decidedBy), then its validator refuses it with a reason naming the field, and nothing changes', async () => {
    const mocks = new MockActivities([0]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await meetRequirement(handle, certified);
      await apply(handle, 9900);
      await handle.executeUpdate(submitAuditDocuments, {
        args: [{ documents: [{ reference: 'r', description: 'd' }], submittedBy: HOLDER }],
      });
      const before = await state(handle);
      const reasons = await rejectionOf(
        handle.executeUpdate(decideAudit, {
          args: [{ outcome: 'passed', reason: 'ok' } as unknown as DecideAudit],
        }),
      );
      expect(reasons.map((r) => r.code)).toEqual(['invalid_message']);
      expect(reasons[0]?.message).toMatch(/decidedBy: send the actor as/);
      expect(await state(handle)).toEqual({ ...before, today: before.today });
      // With an actor, the same decision goes through.
      const decided = await handle.executeUpdate(decideAudit, {
        args: [{ outcome: 'passed', reason: 'ok', decidedBy: OPS }],
      });
      expect(decided.state).toBe('Passed');
    });
  });

  it('when the database is down, then deadlines and reminders still happen on time, and every event is recorded in order once it is back', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      // Certified two years ago tomorrow: E is tomorrow (a short outage keeps the retries few).
      const now = await today(env);
      const certified = addDays(addYears(now, -2), 1);
      const E = addDays(now, 1);
      const handle = await start(certified);
      await eventually(() => expect(mocks.eventTypes()).toEqual(['cycle_started']));
      mocks.failing = true;
      await sleepUntil(env, at(addDays(E, 1)));
      const view = await state(handle);
      expect(view.phase).toBe('ExpiredLate');
      expect(view.remindersSent).toEqual([`${certified}:expired:0`]);
      expect(mocks.eventTypes()).toEqual(['cycle_started']);
      mocks.failing = false;
      await sleepUntil(env, at(addDays(E, 1)) + 5 * 60_000);
      await eventually(() =>
        expect(mocks.eventTypes()).toEqual(['cycle_started', 'phase_changed', 'reminder_due']),
      );
    });
  });
});
