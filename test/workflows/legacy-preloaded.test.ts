import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { CredentialActivities } from '../../activities/types';
import { getPolicy } from '../../rules';
import { WORKFLOW_PRELOAD_MODULES } from '../../worker/bundle-options';
import { credentialWorkflowId, type CredentialInput } from '../../workflows/contract';
import type { CredentialEvent } from '../../workflows/events';
import { quietLogger, startTimeSkippingServer } from '../support/temporal';
import { eventually, today, unique } from './helpers';

// The worker preloads the first release's engine (worker/bundle-options.ts): one copy of its modules
// serves every run of it. Its recording queue must still be each run's own, or one run's events
// would wait behind another's and run in that other run's activations.

describe('runs of the first release on a worker that preloads their engine (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await startTimeSkippingServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it("when one run's recording is held up, then another run's events are recorded meanwhile, and the first's once it is released", async () => {
    const bundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./legacy-engine'),
      preloadModules: WORKFLOW_PRELOAD_MODULES,
      logger: quietLogger,
    });
    const [held, free] = [unique('CPT'), unique('CPT')];
    const recorded: CredentialEvent[] = [];
    const asked: string[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const activities: CredentialActivities = {
      recordEvent: async (event) => {
        asked.push(event.credentialNumber);
        if (event.credentialNumber === held) await released;
        recorded.push(event);
      },
      sendReminder: () => Promise.resolve(),
      drawAuditNumber: () => Promise.resolve(9999),
      recordEvents: (batch) => Promise.resolve({ recorded: batch.events.length, parked: [] }),
      loadPolicyVersions: (policyId) => Promise.resolve([getPolicy(policyId)]),
    };
    const taskQueue = unique('legacy-preloaded');
    const certified = await today(env);
    // As the first release started credentials: no policy in the input.
    const start = (credentialNumber: string) => {
      const input: CredentialInput = {
        credentialNumber,
        policyId: 'nasm-cpt',
        certifiedOn: certified,
        cycle: 1,
        cycleStart: certified,
      };
      return env.client.workflow.start('credential', {
        workflowId: credentialWorkflowId(credentialNumber),
        taskQueue,
        args: [input],
      });
    };
    const numbers = (events: readonly CredentialEvent[]) => events.map((e) => e.credentialNumber);
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities,
    });
    await worker.runUntil(async () => {
      try {
        const first = await start(held);
        await eventually(() => expect(asked).toContain(held));
        const second = await start(free);
        await eventually(() => expect(numbers(recorded)).toContain(free));
        expect(numbers(recorded)).not.toContain(held);

        release();
        await eventually(() => expect(numbers(recorded)).toContain(held));
        const starts = recorded.filter((e) => e.type === 'cycle_started');
        expect(starts.map((e) => e.credentialNumber)).toEqual([free, held]);
        await Promise.all([first.terminate('test done'), second.terminate('test done')]);
      } finally {
        // A failure ends the test instead of leaving the worker's shutdown waiting on the activity.
        release();
      }
    });
  });
});
