import type { Policy } from './types';

/**
 * Whether an application is audited. `draw` is an integer 0..9999 drawn by an activity and
 * recorded, so the selection is reproducible. A re-application after a failed audit is `forced`.
 */
export function isSelectedForAudit(draw: number, policy: Policy, forced: boolean): boolean {
  if (!Number.isInteger(draw) || draw < 0 || draw > 9999) {
    throw new RangeError(`Invalid audit draw ${draw}: expected an integer from 0 to 9999.`);
  }
  return forced || draw < policy.auditRateBasisPoints;
}
