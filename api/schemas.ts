import { z } from 'zod';
import { isCalendarDate } from '../rules/calendar';
import { DEFAULT_POLICY_ID, policyIds } from '../rules/policies';

// Request schemas: one per request, strict (unknown fields are an error, not silently dropped).

export const CredentialNumber = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9-]{2,39}$/,
    'use 3 to 40 letters, digits or dashes, starting with a letter or digit',
  );

export const CalendarDateString = z
  .string()
  .refine(isCalendarDate, 'use a real calendar date in the form YYYY-MM-DD');

export const EnrolCredentialRequest = z.strictObject({
  credentialNumber: CredentialNumber,
  certificationDate: CalendarDateString,
  policyId: z
    .string()
    .refine((id) => policyIds().includes(id), `use one of the known policies: ${policyIds().join(', ')}`)
    .default(DEFAULT_POLICY_ID),
});
export type EnrolCredentialRequest = z.infer<typeof EnrolCredentialRequest>;
