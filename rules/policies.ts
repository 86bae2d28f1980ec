import type { Policy } from './types';

/**
 * The first version of each certifying body's rules: the seeds of the `policy_versions` table and
 * the rules of every run started before policies were versioned (workflows/v1 reads them on replay).
 * Frozen: never edit a seed. A body's rules change by adding a version (POST /policies/:id/versions),
 * which is data, not code. Only this file names a body; everything else reads a Policy.
 */

/** The day the seeds are in force from: before any credential this service runs. */
const SEEDED_FROM = '2000-01-01';

/** NASM Certified Personal Trainer: the body's public recertification page plus the spec's readings. */
export const NASM_CPT: Policy = {
  id: 'nasm-cpt',
  version: 1,
  effectiveFrom: SEEDED_FROM,
  name: 'NASM Certified Personal Trainer',
  timeZone: 'America/Phoenix',
  cycleLength: { years: 2 },
  requiredCeus: 200,
  cprAed: { units: 10, handsOnRequired: true },
  lateWindow: { days: 90 },
  lapseAfter: { years: 1 },
  lateCourseGrace: { days: 90 },
  // The reinstatement fee is charged on top of the late fee (spec reading of "an additional fee").
  fees: { renewal: 9900, late: 3000, reinstatement: 5000, petition: 2500 },
  auditRateBasisPoints: 1000,
  auditDocumentDays: 30,
  carryOverSurplus: false,
  reminders: {
    timeOfDay: '09:00',
    daysBeforeExpiry: [90, 60, 30, 7],
    daysBeforeLateWindowCloses: [30],
    daysBeforeLapse: [30],
    daysBeforeAuditDeadline: [7],
    // Our choice: the holder gets the e-mail, backend services (portal, CRM) the signed webhook.
    channels: ['email', 'webhook'],
  },
};

/**
 * ACE Certified Personal Trainer: 2.0 CECs every two years and a current hands-on CPR/AED that
 * is required but earns no CECs; a six-month grace period after expiration, then the credential
 * lapses (no reinstatement window).
 *
 * Our assumptions, not taken from ACE: renewal fee $129, late (grace-period) fee $30, petition
 * fee $25, 30 days to submit audit documents, 5% audit rate. Courses completed during the grace
 * period count for a late renewal. The zone is Pacific time, a DST zone on purpose.
 */
export const ACE_CPT: Policy = {
  id: 'ace-cpt',
  version: 1,
  effectiveFrom: SEEDED_FROM,
  name: 'ACE Certified Personal Trainer',
  timeZone: 'America/Los_Angeles',
  cycleLength: { years: 2 },
  requiredCeus: 200,
  cprAed: { units: 0, handsOnRequired: true },
  lateWindow: { months: 6 },
  // The lapse date is the day after the grace period ends: no reinstatement window.
  lapseAfter: { months: 6, days: 1 },
  lateCourseGrace: { months: 6 },
  fees: { renewal: 12900, late: 3000, reinstatement: 0, petition: 2500 },
  auditRateBasisPoints: 500,
  auditDocumentDays: 30,
  carryOverSurplus: false,
  reminders: {
    timeOfDay: '09:00',
    daysBeforeExpiry: [90, 60, 30, 7],
    daysBeforeLateWindowCloses: [30],
    // Lapse follows the grace period's close by one day: a separate lapse reminder would repeat it.
    daysBeforeLapse: [],
    daysBeforeAuditDeadline: [7],
    // Our assumption: no backend service of ACE's consumes reminders, so e-mail only.
    channels: ['email'],
  },
};

export const POLICIES: Readonly<Record<string, Policy>> = Object.freeze({
  [NASM_CPT.id]: NASM_CPT,
  [ACE_CPT.id]: ACE_CPT,
});

export const DEFAULT_POLICY_ID = 'nasm-cpt';

export function policyIds(): string[] {
  return Object.keys(POLICIES).sort();
}

export function getPolicy(id: string): Policy {
  const policy = Object.prototype.hasOwnProperty.call(POLICIES, id) ? POLICIES[id] : undefined;
  if (!policy)
    throw new RangeError(
      `Unknown policy ${JSON.stringify(id)}: known policies are ${policyIds().join(', ')}.`,
    );
  return policy;
}
