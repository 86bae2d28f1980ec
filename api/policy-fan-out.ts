import type { Client } from '@temporalio/client';
import type { Policy } from '../rules/types';
import { CREDENTIAL_WORKFLOW_TYPE, publishPolicyVersion } from '../workflows/contract';

// A new policy version reaches running credentials by signal (issue 10): every running credential
// workflow of the policy, found by visibility (PolicyId is a search attribute), gets
// `publishPolicyVersion`. The workflow adds it idempotently (by version number) and records
// `policy_version_received`, so sending it twice is harmless.

/** Signals in flight at once. */
const CONCURRENCY = 16;

export interface FanOutResult {
  /** Running workflows signalled. */
  readonly signalled: number;
  /** Workflows that closed (or could not be reached) between the listing and the signal. */
  readonly failed: number;
}

export async function fanOutPolicyVersion(client: Client, version: Policy): Promise<FanOutResult> {
  const query =
    `WorkflowType = '${CREDENTIAL_WORKFLOW_TYPE}' AND PolicyId = '${version.id}' ` +
    `AND ExecutionStatus = 'Running'`;
  let signalled = 0;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  for await (const execution of client.workflow.list({ query })) {
    const sent: Promise<void> = client.workflow
      .getHandle(execution.workflowId)
      .signal(publishPolicyVersion, version)
      .then(
        () => {
          signalled++;
        },
        () => {
          failed++;
        },
      )
      .finally(() => inFlight.delete(sent));
    inFlight.add(sent);
    if (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { signalled, failed };
}
