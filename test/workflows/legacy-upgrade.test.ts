import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  credentialWorkflowId,
  decideAudit,
  submitAuditDocuments,
  upgrade,
  type CredentialInput,
} from '../../workflows/contract';
import { bundleWorkflows, quietLogger, startTimeSkippingServer } from '../support/temporal';
import {
  HOLDER,
  MockActivities,
  OPS,
  apply,
  createWorker,
  eventually,
  eventuallyAsync,
  meetRequirement,
  state,
  stateOfCycle,
  today,
  unique,
} from './helpers';

// Issue 10: runs of the first release (workflows/v1) replay on the code they were recorded with and
// move onto the versioned engine on ops' `upgrade` signal. Its own file (and test server): it switches
// workers under a running credential.

const documents = [{ reference: 'doc://1', description: 'certificate' }];

describe('upgrading a run of the first release (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let legacy: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle, legacy] = await Promise.all([
      startTimeSkippingServer(),
      bundleWorkflows(),
      bundleWorkflowCode({ workflowsPath: require.resolve('./legacy-engine'), logger: quietLogger }),
    ]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('when a run of the first release is sent upgrade, then it continues on the versioned engine with its state and renews there', async () => {
    const queue = unique('legacy');
    const mocks = new MockActivities([0]);
    const certified = await today(env);
    const number = unique('CPT');
    // As the first release started credentials: no policy in the input.
    const input: CredentialInput = {
      credentialNumber: number,
      policyId: 'nasm-cpt',
      certifiedOn: certified,
      cycle: 1,
      cycleStart: certified,
    };
    const handle = await env.client.workflow.start('credential', {
      workflowId: credentialWorkflowId(number),
      taskQueue: queue,
      args: [input],
    });
    const old = await createWorker(env, legacy, queue, mocks, { maxCachedWorkflows: 0 });
    await old.runUntil(async () => {
      await meetRequirement(handle, certified);
      await apply(handle, 9900);
      await eventually(() => expect(mocks.eventTypes()).toContain('audit_selected'));
      // Stop this worker only once the run is idle: stopped while it holds an activity (the audit's
      // reminder follows the selection), that activity stays started until its one-minute timeout,
      // and the first release's loop awaits it before it looks at the upgrade signal.
      await eventuallyAsync(async () => {
        const { raw } = await handle.describe();
        expect({ task: raw.pendingWorkflowTask ?? null, activities: raw.pendingActivities ?? [] }).toEqual({
          task: null,
          activities: [],
        });
      });
    });
    const current = await createWorker(env, bundle, queue, mocks);
    await current.runUntil(async () => {
      const before = await state(handle);
      expect(before.policyVersion).toBeUndefined();
      const legacyRun = (await handle.describe()).runId;
      await handle.signal(upgrade, { requestedBy: OPS });
      // Query only once the new run exists: a query racing a run's close stalls the test server.
      await eventuallyAsync(async () => expect((await handle.describe()).runId).not.toBe(legacyRun));
      const after = await state(handle);
      expect(after.policyVersion).toBe(1);
      expect(after).toMatchObject({
        cycle: 1,
        completions: before.completions,
        cprAed: before.cprAed,
        application: before.application,
        audit: before.audit,
        remindersSent: before.remindersSent,
      });
      await handle.executeUpdate(submitAuditDocuments, { args: [{ documents, submittedBy: HOLDER }] });
      await handle.executeUpdate(decideAudit, {
        args: [{ outcome: 'passed', reason: 'ok', decidedBy: OPS }],
      });
      const next = await stateOfCycle(handle, mocks, 2);
      expect(next).toMatchObject({ cycle: 2, policyVersion: 1, phase: 'Active' });
      await handle.terminate('test done');
    });
  });
});
