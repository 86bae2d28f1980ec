import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addDays, addYears } from '../../rules';
import { decideAudit, submitAuditDocuments, upgrade } from '../../workflows/contract';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  HOLDER,
  MockActivities,
  OPS,
  apply,
  at,
  eventually,
  meetRequirement,
  reportCourse,
  scenario,
  sleepUntil,
  state,
  stateOfCycle,
  stopSharedWorker,
  today,
} from './helpers';

// Issue 10: a running credential moves onto new code without waiting for its renewal: it continues
// as new in the middle of its cycle with its whole state, on an ops command (the `upgrade` signal), a
// long history or the server's suggestion, and behaves exactly as if it had not.

const documents = [{ reference: 'doc://1', description: 'certificate' }];

describe('continue-as-new in the middle of a cycle (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when ops send upgrade to a credential under audit, then it continues as new with its whole state, records nothing twice, and carries on to its renewal', async () => {
    const mocks = new MockActivities([0]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E = addYears(certified, 2);
      await sleepUntil(env, at(addDays(E, -70)));
      await meetRequirement(handle, addDays(E, -70));
      await apply(handle, 9900);
      const before = await state(handle);
      const firstRun = (await handle.describe()).runId;
      const recorded = mocks.events.length;

      await handle.signal(upgrade, { requestedBy: OPS, reason: 'deploy 2026-11' });
      await eventually(() => expect(mocks.events.map((e) => e.type)).toContain('continued_as_new'));
      const after = await state(handle);
      expect((await handle.describe()).runId).not.toBe(firstRun);
      expect(after).toEqual(before);
      expect(mocks.events.length).toBe(recorded + 1);
      expect(mocks.events.at(-1)).toMatchObject({ type: 'continued_as_new', why: 'requested', actor: OPS });

      // It carries on: the audit's documents, ops' decision, the renewal, reminders sent once each.
      await handle.executeUpdate(submitAuditDocuments, { args: [{ documents, submittedBy: HOLDER }] });
      await handle.executeUpdate(decideAudit, {
        args: [{ outcome: 'passed', reason: 'ok', decidedBy: OPS }],
      });
      const next = await stateOfCycle(handle, mocks, 2);
      expect(next.dates.start).toBe(addDays(E, 1));
      const keys = mocks.reminderKeys();
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.filter((k) => k.includes(':audit_selected:'))).toHaveLength(1);
    });
  });

  it('when a fact takes the history past its limit, then the run continues as new once that fact is recorded, with no other message to wake it', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified, { continueAsNewAfterEvents: 20 });
      const firstRun = (await handle.describe()).runId;
      const continued = () => mocks.events.some((e) => e.type === 'continued_as_new');
      for (let sent = 1; sent <= 10 && !continued(); sent += 1) {
        await reportCourse(handle, 10, certified);
        await eventually(() =>
          expect(mocks.eventTypes().filter((t) => t === 'ceu_completion_reported')).toHaveLength(sent),
        );
        // The history as the run saw it when it took this fact: past the limit, the run must move on
        // by itself once the fact is recorded (it waited for the recording, not for another message).
        const events = (await handle.fetchHistory()).events ?? [];
        const seen = Number(events.filter((e) => e.workflowTaskStartedEventAttributes).at(-1)?.eventId ?? 0);
        if (seen > 20) {
          await eventually(() => expect(continued()).toBe(true), 5_000);
          expect(mocks.events.at(-1)).toMatchObject({ type: 'continued_as_new', why: 'history_size' });
        }
      }
      expect(continued()).toBe(true);
      expect((await handle.describe()).runId).not.toBe(firstRun);
      expect((await state(handle)).completions.length).toBeGreaterThan(0);
    });
  });

  it('when a run continues as new every few events, then its whole life is the same: reports, the expiry on time, reminders once', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified, { continueAsNewAfterEvents: 20 });
      const E = addYears(certified, 2);
      for (let i = 0; i < 12; i += 1) await reportCourse(handle, 10, certified);
      await sleepUntil(env, at(addDays(E, 1)));
      const view = await state(handle);
      expect(view.phase).toBe('ExpiredLate');
      expect(view.ceus.fromCourses).toBe(120);
      expect(view.completions).toHaveLength(12);
      expect(mocks.events.filter((e) => e.type === 'continued_as_new').length).toBeGreaterThan(1);
      expect(mocks.eventTypes().filter((t) => t === 'ceu_completion_reported')).toHaveLength(12);
      const keys = mocks.reminderKeys();
      expect(keys).toEqual([
        `${certified}:before_expiry:90`,
        `${certified}:before_expiry:60`,
        `${certified}:before_expiry:30`,
        `${certified}:before_expiry:7`,
        `${certified}:expired:0`,
      ]);
      expect(mocks.eventTypes().filter((t) => t === 'cycle_started')).toHaveLength(1);
    });
  });
});
