import { proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { boundaries, cycleDates } from '../rules/cycle';
import { getPolicy } from '../rules/policies';
import { type CredentialInput, type CredentialView, getState } from './contract';

const { recordCycleStarted } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

/** One credential, one cycle per run. */
export async function credential(input: CredentialInput): Promise<CredentialView> {
  const policy = getPolicy(input.policyId);
  const dates = cycleDates(input.cycleStart, policy);
  let view: CredentialView = { ...input, phase: 'Active', dates };
  setHandler(getState, () => view);

  await recordCycleStarted({
    credentialNumber: input.credentialNumber,
    workflowId: workflowInfo().workflowId,
    policyId: policy.id,
    cycle: input.cycle,
    dates,
    occurredAt: Date.now(),
  });

  // Deadlines are absolute instants computed from calendar dates, never ms durations.
  await sleep(Math.max(0, boundaries(dates, policy).expiresAt - Date.now()));
  view = { ...view, phase: 'ExpiredLate' };
  return view;
}
