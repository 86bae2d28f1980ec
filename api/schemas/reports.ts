import { z } from 'zod';
import { ExternalId } from '../../rules/fields';
import { CredentialNumber } from './common';

// Reads of what became of reported courses and CPR/AED certifications (the provider's side).

export const CeuCompletionParams = z.strictObject({
  number: CredentialNumber,
  provider: ExternalId().describe('The provider as reported.'),
  completionId: ExternalId().describe('The completion id as reported.'),
});

export const CprAedParams = z.strictObject({
  number: CredentialNumber,
  certificationId: ExternalId().describe('The certification id as reported.'),
});

const PAGE = 'use a whole number from 1 to 500';

export const ReportOutcomesQuery = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,19}$/, 'use the cursor of the previous page, or 0 to start from the beginning')
    .default('0')
    .describe('The `cursor` of the previous page ("0": from the first outcome).'),
  limit: z.coerce
    .number({ error: PAGE })
    .int(PAGE)
    .min(1, PAGE)
    .max(500, PAGE)
    .default(100)
    .describe('At most this many outcomes (1 to 500; default 100).'),
  reportedBy: ExternalId(100)
    .optional()
    .describe('Ops only: one reporter (API key id); without it ops read every reporter’s outcomes.'),
});
