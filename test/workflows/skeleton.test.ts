import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { CycleStartedInput } from '../../activities';
import { addYears, dateAt, endOfDay } from '../../rules/calendar';
import { credentialWorkflowId, type CredentialInput } from '../../workflows/contract';
import { credential } from '../../workflows';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';

describe('credential workflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('when a credential is certified today, then it sleeps through its real two-year timer to the end of E in Phoenix time', async () => {
    const recorded: CycleStartedInput[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'skeleton',
      workflowBundle: bundle,
      activities: {
        recordCycleStarted: (input: CycleStartedInput) => {
          recorded.push(input);
          return Promise.resolve();
        },
      },
    });
    const started = await env.currentTimeMs();
    const today = dateAt(started, 'America/Phoenix');
    const input: CredentialInput = {
      credentialNumber: 'CPT-0001',
      policyId: 'nasm-cpt',
      certifiedOn: today,
      cycle: 1,
      cycleStart: today,
    };

    const wallStart = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(credential, {
        workflowId: credentialWorkflowId(input.credentialNumber),
        taskQueue: 'skeleton',
        args: [input],
      }),
    );
    const skipped = (await env.currentTimeMs()) - started;
    const wall = Date.now() - wallStart;

    expect(recorded).toHaveLength(1);
    const expiration = addYears(today, 2);
    expect(recorded).toEqual([
      expect.objectContaining({ cycle: 1, dates: expect.objectContaining({ expiration }) }),
    ]);
    expect(result.phase).toBe('ExpiredLate');
    // Two calendar years of workflow time passed, to the end of E in the policy's zone, in seconds of wall time.
    expect(started + skipped).toBeGreaterThanOrEqual(endOfDay(expiration, 'America/Phoenix'));
    expect(skipped).toBeGreaterThan(729 * 24 * 3600 * 1000);
    expect(wall).toBeLessThan(60_000);
  });
});
