import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { addDays, addYears } from '../../rules';
import { NASM_CPT } from '../../rules/policies';
import { decideAudit, submitAuditDocuments } from '../../workflows/contract';
import * as application from '../../workflows/cycle/application';
import * as facts from '../../workflows/cycle/facts';
import * as lifecycle from '../../workflows/cycle/lifecycle';
import * as petitions from '../../workflows/cycle/petitions';
import { createState } from '../../workflows/cycle/state';
import * as validators from '../../workflows/cycle/validators';
import { newCredentialInput } from '../../workflows/start';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  HOLDER,
  MockActivities,
  OPS,
  PROVIDER,
  apply,
  at,
  codesOf,
  historyOfEveryRun,
  rejectionOf,
  reportCourse,
  reportCpr,
  scenario,
  stopSharedWorker,
  sleepUntil,
  today,
} from './helpers';

describe('application and command rejections through updates (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when an application is not eligible, then the update fails with CommandRejected and every reason, and leaves no trace in history', async () => {
    const mocks = new MockActivities([0]);
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E = addYears(certified, 2);

      // Nothing on file, nothing paid: every reason at once, with the numbers.
      const nothing = await rejectionOf(apply(handle, 0));
      expect(nothing.map((r) => r.code)).toEqual(['insufficient_ceus', 'cpr_aed_missing', 'underpaid']);
      expect(nothing[0]?.message).toContain('1.90 CEUs short');
      expect(nothing[2]?.message).toContain('$99.00');

      await reportCourse(handle, 190, certified);
      await reportCpr(handle, certified, addDays(certified, 30), false);
      expect(await codesOf(apply(handle, 9900))).toEqual(['cpr_aed_not_hands_on']);

      await sleepUntil(env, at(addDays(certified, 40)));
      expect(await codesOf(apply(handle, 9900))).toEqual(['cpr_aed_expired']);

      // In reinstatement, a course completed after E+90 cannot carry a late application.
      await reportCpr(handle, addDays(certified, 40));
      await sleepUntil(env, at(addDays(E, 100)));
      await reportCpr(handle, addDays(E, 100));
      expect(await codesOf(apply(handle, 17_899))).toEqual(['underpaid']);

      const accepted = await apply(handle, 17_900);
      expect(accepted).toMatchObject({
        auditSelected: true,
        fee: { window: 'reinstatement', total: 17_900 },
      });
      expect(await codesOf(apply(handle, 17_900))).toEqual(['duplicate_pending']);

      // Audit commands that do not fit the audit's state.
      expect(
        await codesOf(
          handle.executeUpdate(decideAudit, { args: [{ outcome: 'passed', reason: 'ok', decidedBy: OPS }] }),
        ),
      ).toEqual(['audit_not_under_review']);

      // History holds exactly the accepted updates: the rejected ones left nothing (in any run: the
      // workflows-continued project continues as new every few events).
      const events = await historyOfEveryRun(handle);
      const updates = events.filter(
        (e) =>
          e.workflowExecutionUpdateAcceptedEventAttributes ||
          e.workflowExecutionUpdateRejectedEventAttributes ||
          e.workflowExecutionUpdateAdmittedEventAttributes,
      );
      // Seven updates were sent; only the accepted application is in history.
      expect(updates).toHaveLength(1);
      expect(updates[0]?.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name).toBe(
        'submitApplication',
      );
    });
  });

  it('when a late application relies on courses completed after E+90, then it is rejected with courses_after_cutoff', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E = addYears(certified, 2);
      await reportCourse(handle, 100, certified);
      await sleepUntil(env, at(addDays(E, 120)));
      await reportCourse(handle, 90, addDays(E, 120));
      await reportCpr(handle, addDays(E, 120));
      const reasons = await rejectionOf(apply(handle, 17_900));
      expect(reasons.map((r) => r.code)).toEqual(['insufficient_ceus', 'courses_after_cutoff']);
      expect(reasons[1]?.message).toContain(addDays(E, 90));
      expect(
        await codesOf(
          handle.executeUpdate(submitAuditDocuments, {
            args: [{ documents: [{ reference: 'r', description: 'd' }], submittedBy: HOLDER }],
          }),
        ),
      ).toEqual(['no_audit_pending']);
    });
  });
});

describe('validators without a server (states no update can reach in a test)', () => {
  const now = Date.UTC(2026, 10, 21, 19);
  const day = '2026-11-21';
  const input = newCredentialInput({ credentialNumber: 'CPT-V', certifiedOn: day, versions: [NASM_CPT] });
  const received = (d: string, at = now) => ({ day: d, at });
  const fresh = () => createState(input, NASM_CPT, [NASM_CPT], now);
  const course = {
    provider: 'a',
    completionId: '1',
    course: 'c',
    units: 190,
    completedOn: day,
    approved: true,
    reportedBy: PROVIDER,
  };
  const cpr = {
    certificationId: 'x',
    issuedOn: day,
    expiresOn: '2028-11-21',
    handsOn: true,
    reportedBy: PROVIDER,
  };
  const cmd = { amountPaid: 9900, paymentReference: 'p', submittedBy: HOLDER };

  /** Requirement met and an application received with `draw` (0 selects, 9999 does not). */
  function applied(draw: number) {
    const state = fresh();
    facts.reportCompletion(state, course, day, now);
    facts.reportCprAed(state, cpr, day, now);
    const evaluation = application.evaluate(state, cmd, day);
    expect(evaluation.eligible).toBe(true);
    application.receiveApplication(state, cmd, evaluation, day, draw, now);
    return state;
  }

  it('when the credential is closed, then every command is rejected with closed', () => {
    const state = fresh();
    lifecycle.revoke(state, { reason: 'fraud', revokedBy: OPS }, day, now);
    expect(application.evaluate(state, cmd, '2026-11-22').reasons.map((r) => r.code)).toContain('closed');
    expect(validators.closedTo(state, received('2026-11-22')).map((r) => r.code)).toEqual(['closed']);
  });

  it('when the application is approved and the run is about to continue as new, then every command (a second application too) is refused for a moment', () => {
    const state = applied(9_999);
    expect(state.application?.status).toBe('approved');
    // A command accepted now would be lost by continue-as-new: it is refused, and retried by the caller.
    expect(validators.inTransition(state).map((r) => r.code)).toEqual(['renewal_in_progress']);
  });

  it('when a credential under audit is revoked, then its audit ends too, so no "waiting" list shows it', () => {
    const state = applied(0);
    expect(state.audit?.state).toBe('AwaitingDocuments');
    const events = lifecycle.revoke(state, { reason: 'fraud', revokedBy: OPS }, '2026-11-22', now);
    expect(events.map((e) => e.type)).toEqual(['audit_decided', 'application_decided', 'revoked']);
    expect(state.audit).toMatchObject({ state: 'Failed', reason: 'Credential revoked: fraud' });
    expect(state.application?.status).toBe('denied');
    expect(state.closed).toMatchObject({ phase: 'Revoked' });
  });

  it('when a cycle renews with a petition still pending, then the petition moves to the next cycle so ops can decide it', () => {
    const state = fresh();
    const { petition } = petitions.filePetition(
      state,
      {
        course: 'Kettlebells',
        requestedUnits: 40,
        completedOn: day,
        paymentReference: 'pet-pay',
        amountPaid: 2500,
        filedBy: HOLDER,
      },
      day,
      now,
    );
    const next = lifecycle.nextCycle(state, now, []);
    expect(next.carried?.petitions).toEqual([
      expect.objectContaining({ petitionId: petition.petitionId, status: 'pending' }),
    ]);
    expect(next.carried?.previous?.paymentReferences).toEqual(['pet-pay']);
    expect(next.carried?.pendingEvents?.map((e) => e.type)).toEqual(['renewed']);
  });

  it('when documents arrive after the deadline instant but before the audit failed, then they are rejected with audit_deadline_passed unless the API received them before it', () => {
    const state = applied(0);
    const deadlineAt = state.audit?.deadlineAt ?? 0;
    const docs = { documents: [{ reference: 'r', description: 'd' }], submittedBy: HOLDER };
    expect(validators.validateSubmitAuditDocuments(state, docs, received('x', deadlineAt - 1))).toEqual([]);
    expect(
      validators.validateSubmitAuditDocuments(state, docs, received('x', deadlineAt)).map((r) => r.code),
    ).toEqual(['audit_deadline_passed']);
    // Validators never change the state.
    const snapshot = JSON.stringify(state);
    validators.validateDecideAudit(state, { outcome: 'failed', reason: 'r', decidedBy: OPS });
    validators.validateDecidePetition(state, { petitionId: 'none', decision: 'approved', decidedBy: OPS });
    validators.inTransition(state);
    validators.closedTo(state, received('2027-01-01'));
    expect(JSON.stringify(state)).toBe(snapshot);
    expect(addDays(day, 30)).toBe(state.audit?.documentsDueOn);
  });
});
