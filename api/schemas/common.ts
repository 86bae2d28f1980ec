import { z } from 'zod';
import { formatCeu, parseCeu } from '../../rules/ceu-units';
import {
  CalendarDateField,
  ExternalId as ExternalIdField,
  MAX_COURSE_UNITS,
  Text as FieldText,
} from '../../rules/fields';

// Building blocks of the request schemas. Each message says what to send instead.

export const CredentialNumber = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9-]{2,39}$/,
    'use 3 to 40 letters, digits or dashes, starting with a letter or digit',
  )
  .describe('The credential number, e.g. CPT-1000.');

/** A calendar date YYYY-MM-DD from 1900 to 2999: the workflow's own rule (rules/fields.ts). */
export const CalendarDateString = CalendarDateField;

// Text and identifiers as the workflow parses them (rules/fields.ts): bounded, trimmed, no control
// characters (NUL above all: PostgreSQL refuses it), no half of a surrogate pair.

/** Free text a person wrote or reads: trimmed, not empty, bounded, printable (newlines and tabs allowed). */
export const Text = FieldText;

/** An identifier from another system (provider, payment processor, document store). */
export const ExternalId = ExternalIdField();

/** CEUs as a decimal string ("0.50") or number (0.5), parsed by the rules into hundredths. */
export const CeuUnits = z
  .union([z.string(), z.number()], { error: 'send CEUs as a decimal string such as "0.50" or a number' })
  .transform((value, ctx) => {
    try {
      const hundredths = parseCeu(value);
      // The workflow's bound (rules/fields.ts CourseUnits), in the API's words.
      if (hundredths > 0 && hundredths <= MAX_COURSE_UNITS) return hundredths;
      const message =
        hundredths > 0 ? `must be at most ${formatCeu(MAX_COURSE_UNITS)} CEUs` : 'must be more than 0 CEUs';
      ctx.addIssue({ code: 'custom', message });
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
    return z.NEVER;
  })
  .meta({ description: 'CEUs with at most two decimals, e.g. "0.50" or 0.5.', examples: ['0.50'] });

/** Money in whole cents: $99.00 is 9900. */
export const Cents = z
  .number({ error: 'send an integer number of cents, e.g. 9900 for $99.00' })
  .int('send an integer number of cents, e.g. 9900 for $99.00')
  .min(0, 'must not be negative')
  .max(100_000_000, 'is too large')
  .meta({ description: 'Amount in US cents (integer): 9900 is $99.00.', examples: [9900] });

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
