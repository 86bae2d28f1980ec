import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addDays, addYears, endOfDay, startOfDay } from '../../rules';
import { decideAudit, submitAuditDocuments } from '../../workflows/contract';
import { DEADLINE_GRACE_MS } from '../../workflows/cycle/application';
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
  reportCourse,
  reportCpr,
  scenario,
  stopSharedWorker,
  sleepUntil,
  state,
  stateOfCycle,
  today,
} from './helpers';

const MINUTE = 60_000;
const documents = [{ reference: 'doc-store://cert-123', description: 'Course certificate' }];

describe('audits (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when no documents arrive within 30 days, then the audit fails on its own, the application is denied, the credential follows its dates, and a re-application is always audited', async () => {
    // Draws: 0 selects the first application; 9999 would not, but the re-application is forced.
    const mocks = new MockActivities([0, 9999]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E = addYears(certified, 2);
      await sleepUntil(env, at(addDays(E, -20)));
      await meetRequirement(handle, addDays(E, -20));
      const accepted = await apply(handle, 9900);
      const dueOn = addDays(E, 10);
      expect(accepted).toMatchObject({ auditSelected: true, auditDocumentsDueOn: dueOn });
      const selected = await state(handle);
      expect(selected.auditState).toBe('AwaitingDocuments');
      expect(selected.nextDeadline?.what).toBe('expiration');

      // Past E while the audit runs: expired (the dates rule), the application still pending.
      await sleepUntil(env, at(addDays(E, 1)));
      expect(await state(handle)).toMatchObject({ phase: 'ExpiredLate', application: { status: 'pending' } });
      await sleepUntil(env, endOfDay(dueOn, TZ) - MINUTE);
      expect((await state(handle)).auditState).toBe('AwaitingDocuments');
      // Past the deadline: documents received now are refused; the audit fails one receipt grace
      // later (documents the API received before the deadline may still be on their way).
      await sleepUntil(env, endOfDay(dueOn, TZ) + MINUTE);
      expect((await state(handle)).auditState).toBe('AwaitingDocuments');
      expect(
        await codesOf(
          handle.executeUpdate(submitAuditDocuments, { args: [{ documents, submittedBy: HOLDER }] }),
        ),
      ).toEqual(['audit_deadline_passed']);
      await sleepUntil(env, endOfDay(dueOn, TZ) + DEADLINE_GRACE_MS + MINUTE);
      const failed = await state(handle);
      expect(failed.auditState).toBe('Failed');
      expect(failed.audit).toMatchObject({
        reason: `No documents submitted by ${dueOn}`,
        decidedOn: addDays(dueOn, 1),
      });
      expect(failed.application).toMatchObject({ status: 'denied' });
      expect(failed.phase).toBe('ExpiredLate');
      const decided = mocks.events.find((e) => e.type === 'audit_decided');
      expect(decided).toMatchObject({ outcome: 'failed', actor: { kind: 'system' } });
      expect(mocks.events.find((e) => e.type === 'application_decided')).toMatchObject({
        outcome: 'denied',
        charged: [],
      });
      // Documents after the audit failed are refused.
      expect(
        await codesOf(
          handle.executeUpdate(submitAuditDocuments, { args: [{ documents, submittedBy: HOLDER }] }),
        ),
      ).toEqual(['no_audit_pending']);

      // Re-application in the late window: forced into an audit although the draw says no.
      const again = await apply(handle, 12_900);
      expect(again.auditSelected).toBe(true);
      await eventually(() =>
        expect(
          mocks.events
            .filter((e) => e.type === 'audit_selected')
            .map((e) => e.type === 'audit_selected' && [e.draw, e.forced]),
        ).toEqual([
          [0, false],
          [9999, true],
        ]),
      );
      // The main loop sends the second selection's reminder after the handler recorded its events.
      await eventually(() =>
        expect(mocks.reminderKeys().filter((k) => k.includes(':audit_selected:'))).toHaveLength(2),
      );
      const firstAudit = mocks.events.find((e) => e.type === 'audit_selected');
      const firstAuditId = firstAudit?.type === 'audit_selected' ? firstAudit.auditId : '';
      expect(mocks.reminderKeys()).toContain(`${certified}:audit_deadline:7:${firstAuditId}`);
    });
  });

  it('when documents arrive on day 29 and ops pass the audit, then the application is approved and the credential renewed', async () => {
    const mocks = new MockActivities([5]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      await sleepUntil(env, at(addDays(certified, 100)));
      await meetRequirement(handle, addDays(certified, 100));
      const accepted = await apply(handle, 9900);
      expect(accepted.auditSelected).toBe(true);
      const selectedOn = accepted.receivedOn;
      await sleepUntil(env, at(addDays(selectedOn, 29)));
      expect(
        await codesOf(
          handle.executeUpdate(decideAudit, { args: [{ outcome: 'passed', reason: 'ok', decidedBy: OPS }] }),
        ),
      ).toEqual(['audit_not_under_review']);
      expect(
        await codesOf(
          handle.executeUpdate(submitAuditDocuments, { args: [{ documents: [], submittedBy: HOLDER }] }),
        ),
      ).toEqual(['invalid_message']);
      const audit = await handle.executeUpdate(submitAuditDocuments, {
        args: [{ documents, submittedBy: HOLDER }],
      });
      expect(audit).toMatchObject({ state: 'UnderReview', documents });
      // Documents in: no deadline any more, ops take their time (past day 30 here).
      await sleepUntil(env, at(addDays(selectedOn, 45)));
      expect((await state(handle)).auditState).toBe('UnderReview');
      expect(
        await codesOf(
          handle.executeUpdate(decideAudit, { args: [{ outcome: 'failed', reason: ' ', decidedBy: OPS }] }),
        ),
      ).toEqual(['invalid_message']);
      const passed = await handle.executeUpdate(decideAudit, {
        args: [{ outcome: 'passed', reason: 'Certificates verified', decidedBy: OPS }],
      });
      expect(passed).toMatchObject({ state: 'Passed', decidedOn: addDays(selectedOn, 45) });
      const next = await stateOfCycle(handle, mocks, 2);
      expect(next.dates.start).toBe(addDays(addYears(certified, 2), 1));
      await eventually(() =>
        expect(mocks.eventTypes()).toEqual(
          expect.arrayContaining([
            'audit_documents_submitted',
            'audit_decided',
            'application_decided',
            'renewed',
          ]),
        ),
      );
    });
  });

  it('when an application received before the lapse date is still in audit on the lapse date, then the workflow stays open until decided, and lapses once the audit fails', async () => {
    const mocks = new MockActivities([0]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E = addYears(certified, 2);
      const lapseDate = addYears(E, 1);
      await reportCourse(handle, 190, certified);
      await sleepUntil(env, at(addDays(lapseDate, -10)));
      await reportCpr(handle, addDays(lapseDate, -10));
      const accepted = await apply(handle, 17_900);
      expect(accepted.fee).toMatchObject({ window: 'reinstatement', total: 17_900 });
      await handle.executeUpdate(submitAuditDocuments, { args: [{ documents, submittedBy: HOLDER }] });

      await sleepUntil(env, startOfDay(lapseDate, TZ) + MINUTE);
      const held = await state(handle);
      expect(held.phase).toBe('ExpiredReinstatement');
      expect(held.summary).toContain('awaits its decision');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      // A second application is refused: lapsed, and one is pending anyway.
      expect(await codesOf(apply(handle, 17_900))).toEqual(['lapsed', 'duplicate_pending']);

      await sleepUntil(env, at(addDays(lapseDate, 40)));
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await handle.executeUpdate(decideAudit, {
        args: [{ outcome: 'failed', reason: 'Certificate not genuine', decidedBy: OPS }],
      });
      expect(await handle.result()).toMatchObject({ phase: 'Lapsed', closedOn: addDays(lapseDate, 40) });
      // The decision and the lapse are recorded by concurrent coroutines: order within them may vary.
      expect(mocks.eventTypes().slice(-4).sort()).toEqual([
        'application_decided',
        'audit_decided',
        'lapsed',
        'phase_changed',
      ]);
    });
  });

  it('when an application pending past the lapse date passes its audit, then the credential is renewed into the next cycle', async () => {
    const mocks = new MockActivities([0]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E = addYears(certified, 2);
      const lapseDate = addYears(E, 1);
      await reportCourse(handle, 190, certified);
      await sleepUntil(env, at(addDays(lapseDate, -1)));
      await reportCpr(handle, addDays(lapseDate, -1));
      await apply(handle, 17_900);
      await handle.executeUpdate(submitAuditDocuments, { args: [{ documents, submittedBy: HOLDER }] });
      await sleepUntil(env, at(addDays(lapseDate, 3)));
      await handle.executeUpdate(decideAudit, {
        args: [{ outcome: 'passed', reason: 'ok', decidedBy: OPS }],
      });
      const next = await stateOfCycle(handle, mocks, 2);
      // Dates do not move: the next cycle started at E+1 and is under way.
      expect(next.dates.start).toBe(addDays(E, 1));
      expect(next.phase).toBe('Active');
    });
  });
});
