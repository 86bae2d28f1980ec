import type { CeuCompletion, CprAedCertification, PetitionGrant } from '../../rules';

let sequence = 0;

export function course(
  units: number,
  completedOn: string,
  extra: Partial<CeuCompletion> = {},
): CeuCompletion {
  sequence += 1;
  return {
    provider: 'acme',
    completionId: `c${String(sequence).padStart(3, '0')}`,
    course: `Course ${sequence}`,
    units,
    completedOn,
    approved: true,
    ...extra,
  };
}

export function grant(petitionId: string, units: number, completedOn: string): PetitionGrant {
  return { petitionId, course: `Petitioned ${petitionId}`, units, completedOn };
}

export function cpr(
  certificationId: string,
  issuedOn: string,
  expiresOn: string,
  handsOn = true,
): CprAedCertification {
  return { certificationId, issuedOn, expiresOn, handsOn };
}

/** A hands-on CPR/AED valid across the 2024-03-15 cycle and its windows. */
export const validCpr = cpr('cpr-1', '2025-01-10', '2027-01-10');
