import { compareDates } from './calendar';
import type { CalendarDate, Policy } from './types';

// A body's rules over time: versions with effective dates. A cycle pins the version in force on its
// first day (the requirement: CEUs, CPR/AED, windows, time zone, reminders, carry-over); fees, the
// audit rate and the audit's document days follow the version in force on the day a command is
// received (certifying bodies announce them from a date).

function byVersion(a: Policy, b: Policy): number {
  return a.version - b.version;
}

/** The version in force on `day`: the latest one effective on or before it (by effective date, then version). */
export function policyInForce(versions: readonly Policy[], day: CalendarDate): Policy {
  let found: Policy | null = null;
  for (const v of versions) {
    if (compareDates(v.effectiveFrom, day) > 0) continue;
    if (
      !found ||
      compareDates(v.effectiveFrom, found.effectiveFrom) > 0 ||
      (v.effectiveFrom === found.effectiveFrom && v.version > found.version)
    ) {
      found = v;
    }
  }
  if (!found) {
    const first = [...versions].sort(byVersion)[0];
    if (!first) throw new RangeError('No policy version is known.');
    // Nothing was in force yet (a day before the first version): the first version applies.
    return first;
  }
  return found;
}

/** Adds a version (idempotent on its number), keeping the list ordered by version. */
export function withVersion(versions: readonly Policy[], version: Policy): Policy[] {
  if (versions.some((v) => v.id !== version.id)) {
    throw new RangeError(`Version ${version.version} is of policy ${version.id}, not ${versions[0]?.id}.`);
  }
  return [...versions.filter((v) => v.version !== version.version), version].sort(byVersion);
}

/**
 * The versions a run can still need from `day` on: the one in force that day and every later one.
 * Keeps what a run carries into the next one bounded however many versions a body publishes.
 */
export function versionsFrom(versions: readonly Policy[], day: CalendarDate): Policy[] {
  const current = policyInForce(versions, day);
  return versions.filter((v) => v === current || compareDates(v.effectiveFrom, day) > 0).sort(byVersion);
}

/**
 * The rules that apply on `day` to a cycle pinned to `pinned`: its requirement, windows, time zone,
 * reminders and carry-over, with the fees, audit rate and audit document days of the version in
 * force that day. The one place the pinned/in-force split is made (workflow and API alike).
 */
export function effectivePolicy(pinned: Policy, versions: readonly Policy[], day: CalendarDate): Policy {
  const inForce = policyInForce(versions.length > 0 ? versions : [pinned], day);
  return {
    ...pinned,
    fees: inForce.fees,
    auditRateBasisPoints: inForce.auditRateBasisPoints,
    auditDocumentDays: inForce.auditDocumentDays,
  };
}
