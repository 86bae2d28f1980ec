import { z } from 'zod';
import { CalendarDateField } from '../../rules/fields';
import { EmailField } from '../../rules/fields';
import { DEFAULT_POLICY_ID, policyIds } from '../../rules/policies';
import type { AuditStateName, Phase } from '../../workflows/contract';
import { CalendarDateString, CredentialNumber, enumOf, Text } from './common';

// Requests about credentials as a whole: enrolment, reads, lists.

export const CredentialParams = z.strictObject({ number: CredentialNumber });

export const PetitionParams = z.strictObject({
  number: CredentialNumber,
  petitionId: z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/, 'use the petitionId returned when it was filed'),
});

export const EnrolCredentialRequest = z.strictObject({
  credentialNumber: CredentialNumber,
  certificationDate: CalendarDateString,
  policyId: z
    .string()
    .refine((id) => policyIds().includes(id), `use one of the known policies: ${policyIds().join(', ')}`)
    .default(DEFAULT_POLICY_ID),
  /** Personal data: stored in PostgreSQL only, never sent to the workflow. */
  holder: z.strictObject({
    name: Text(200),
    email: EmailField.max(320, 'use at most 320 characters'),
  }),
});
export type EnrolCredentialRequest = z.infer<typeof EnrolCredentialRequest>;

const PHASES: Record<Phase, string> = {
  Active: 'in cycle',
  ExpiredLate: 'expired, late window open',
  ExpiredReinstatement: 'expired, reinstatement window open',
  Lapsed: 'lapsed (final)',
  Revoked: 'revoked (final)',
};
const AUDIT_STATES: Record<AuditStateName, string> = {
  None: 'no audit',
  AwaitingDocuments: 'waiting for the holder’s documents',
  UnderReview: 'documents in, waiting for ops',
  Passed: 'passed',
  Failed: 'failed',
};

export const ListCredentialsQuery = z.strictObject({
  phase: enumOf(PHASES).optional(),
  expiringBefore: CalendarDateField.meta({ format: 'date', example: '2027-01-01' })
    .optional()
    .describe('Credentials whose current cycle expires strictly before this date.'),
  auditState: enumOf(AUDIT_STATES).optional(),
  limit: z.coerce
    .number({ error: 'use a whole number from 1 to 200' })
    .int('use a whole number from 1 to 200')
    .min(1, 'use a whole number from 1 to 200')
    .max(200, 'use a whole number from 1 to 200')
    .default(50),
  cursor: z.string().min(1).max(500).optional().describe('nextCursor from the previous page.'),
});

export const FeeQuoteQuery = z.strictObject({
  on: CalendarDateField.meta({ format: 'date', example: '2026-03-14' })
    .optional()
    .describe("The day the application would be received; default today in the policy's time zone."),
});
