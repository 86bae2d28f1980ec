import { z } from 'zod';
import { formatCeu, parseCeu } from '../../rules/ceu-units';
import {
  CalendarDateField,
  CentsField,
  CourseUnits,
  ExternalId as ExternalIdField,
  MAX_COURSE_UNITS,
  Text,
} from '../../rules/fields';

// Building blocks of the request schemas. Each message says what to send instead.

export const CredentialNumber = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9-]{2,39}$/,
    'use 3 to 40 letters, digits or dashes, starting with a letter or digit',
  )
  .describe('The credential number, e.g. CPT-1000.');

/**
 * The field schemas are the workflow's own (rules/fields.ts): what the API answers 400 to is exactly
 * what the workflow would refuse, so no bad value reaches it. Dates from 1900 to 2999; text trimmed,
 * bounded, without control characters or lone surrogates (half an emoji).
 */
export const CalendarDateString = CalendarDateField;
export { Text };
/** An identifier from another system (provider, payment processor, document store). */
export const ExternalId = ExternalIdField();

/** CEUs as a decimal string ("0.50") or number (0.5), parsed by the rules into hundredths (no range). */
export function ceuHundredths(example: string) {
  return z
    .union([z.string(), z.number()], {
      error: `send CEUs as a decimal string such as "${example}" or a number`,
    })
    .transform((value, ctx) => {
      try {
        return parseCeu(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
      return z.NEVER;
    });
}

/** CEUs as a decimal string ("0.50") or number (0.5), parsed by the rules into hundredths (0.01 to 99.99). */
export const CeuUnits = ceuHundredths('0.50')
  .pipe(
    z
      .number()
      .min(1, 'must be more than 0 CEUs')
      .max(MAX_COURSE_UNITS, `must be at most ${formatCeu(MAX_COURSE_UNITS)} CEUs for one course`)
      .pipe(CourseUnits),
  )
  .meta({ description: 'CEUs with at most two decimals, e.g. "0.50" or 0.5.', examples: ['0.50'] });

/** Money in whole cents: $99.00 is 9900. */
export const Cents = CentsField.meta({
  description: 'Amount in US cents (integer): 9900 is $99.00.',
  examples: [9900],
});

/** `Idempotency-Key` header: the Temporal update id, so a repeated request gets the first answer. */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, 'use 1 to 200 visible ASCII characters')
  .optional();

/**
 * A zod enum over the keys of a Record typed by a contract union: a member added to or removed from
 * the union breaks the Record literal at compile time instead of drifting.
 */
export function enumOf<T extends string>(members: Record<T, string>) {
  return z.enum(Object.keys(members) as [T, ...T[]]);
}
