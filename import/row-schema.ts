import { z } from 'zod';
import { ReportCeuCompletionRequest } from '../api/schemas/commands';
import { CalendarDateString, CredentialNumber, ExternalId } from '../api/schemas/common';
import { EnrolCredentialRequest } from '../api/schemas/credentials';
import { parseCeu } from '../rules/ceu-units';

// The fields of one import row, for CSV (every value a string) and NDJSON (JSON values) alike.
// Field rules are the API's own schemas, so an imported credential passes what enrolment checks.

const holder = EnrolCredentialRequest.shape.holder.shape;

/** CEUs already earned: like the API's CEU amounts, but 0 is allowed (nothing earned yet). */
const CeusEarned = z
  .union([z.string(), z.number()], { error: 'use a decimal number of CEUs such as 1.50' })
  .transform((value, ctx) => {
    try {
      return parseCeu(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

const CYCLE_MESSAGE = 'use a whole number from 1 to 100';
const Cycle = z
  .union(
    [
      z.number(),
      z
        .string()
        .regex(/^\d{1,3}$/, CYCLE_MESSAGE)
        .transform(Number),
    ],
    {
      error: CYCLE_MESSAGE,
    },
  )
  .pipe(z.number().int(CYCLE_MESSAGE).min(1, CYCLE_MESSAGE).max(100, CYCLE_MESSAGE));

const FLAGS: Readonly<Record<string, boolean>> = {
  true: true,
  yes: true,
  '1': true,
  false: false,
  no: false,
  '0': false,
};
const Flag = z.union([z.boolean(), z.string()], { error: 'use true or false' }).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  const flag = FLAGS[value.toLowerCase()];
  if (flag !== undefined) return flag;
  ctx.addIssue({ code: 'custom', message: 'use true or false (or yes/no, 1/0)' });
  return z.NEVER;
});

export const ImportRowFields = z.strictObject({
  credentialNumber: CredentialNumber,
  certificationDate: CalendarDateString,
  policyId: EnrolCredentialRequest.shape.policyId,
  /** Personal data: goes to the holders table only, never to the workflow or a log line. */
  holderName: holder.name,
  holderEmail: holder.email,
  currentCycle: Cycle.optional(),
  currentCycleStart: CalendarDateString.optional(),
  ceusEarned: CeusEarned.optional(),
  /** NDJSON only: the cycle's completions one by one, instead of ceusEarned. */
  completions: z.array(ReportCeuCompletionRequest).max(500, 'send at most 500 completions').optional(),
  cprAedId: ExternalId.optional(),
  cprAedIssuedOn: CalendarDateString.optional(),
  cprAedExpiresOn: CalendarDateString.optional(),
  cprAedHandsOn: Flag.optional(),
});
export type ImportRowFields = z.infer<typeof ImportRowFields>;

/** Columns a CSV header may name (completions need NDJSON). */
export const CSV_COLUMNS: readonly string[] = Object.keys(ImportRowFields.shape).filter(
  (k) => k !== 'completions',
);

export const REQUIRED_COLUMNS: readonly string[] = [
  'credentialNumber',
  'certificationDate',
  'holderName',
  'holderEmail',
];

export const CPR_AED_FIELDS = ['cprAedId', 'cprAedIssuedOn', 'cprAedExpiresOn', 'cprAedHandsOn'] as const;
