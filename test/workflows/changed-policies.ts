import type { Policy } from '../../rules/types';
import * as seeds from '../../rules/policies';

// Stands in for rules/policies.ts in a bundle built by replay.test.ts: what a careless edit of the
// rules in code would look like (a higher renewal fee, another audit rate, one more reminder). Runs of
// the versioned engine never read this module on replay, so their histories must replay regardless.

function changed(policy: Policy): Policy {
  return {
    ...policy,
    fees: { ...policy.fees, renewal: policy.fees.renewal + 1000 },
    // Every application audited: a run that took the rate from code would take another path.
    auditRateBasisPoints: 10_000,
    reminders: { ...policy.reminders, daysBeforeExpiry: [...policy.reminders.daysBeforeExpiry, 14] },
  };
}

export const NASM_CPT = changed(seeds.NASM_CPT);
export const ACE_CPT = changed(seeds.ACE_CPT);
export const POLICIES: Readonly<Record<string, Policy>> = { [NASM_CPT.id]: NASM_CPT, [ACE_CPT.id]: ACE_CPT };
export const DEFAULT_POLICY_ID = seeds.DEFAULT_POLICY_ID;
export const policyIds = seeds.policyIds;
export function getPolicy(id: string): Policy {
  const policy = POLICIES[id];
  if (!policy) throw new RangeError(`Unknown policy ${id}`);
  return policy;
}
