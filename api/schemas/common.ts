import { z } from 'zod';
import { isCalendarDate } from '../../rules/calendar';
import { parseCeu } from '../../rules/ceu-units';

// Building blocks of the request schemas. Each message says what to send instead.

export const CredentialNumber = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9-]{2,39}$/,
    'use 3 to 40 letters, digits or dashes, starting with a letter or digit',
  )
  .describe('The credential number, e.g. CPT-1000.');

export const CalendarDateString = z
  .string()
  .refine(isCalendarDate, 'use a real calendar date in the form YYYY-MM-DD')
  .meta({ format: 'date', example: '2026-03-14' });

// Control characters (NUL above all: PostgreSQL refuses it in text) never reach a workflow, whose
// events must always be recordable.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- identifiers allow no control character at all
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;
const noControl = 'must not contain control characters';

/** Free text a person wrote or reads: trimmed, not empty, bounded, printable (newlines and tabs allowed). */
export const Text = (max = 500) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `use at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), noControl);

/** An identifier from another system (provider, payment processor, document store). */
export const ExternalId = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'use at most 200 characters')
  .refine((s) => !ANY_CONTROL.test(s), noControl);

/** CEUs as a decimal string ("0.50") or number (0.5), parsed by the rules into hundredths. */
export const CeuUnits = z
  .union([z.string(), z.number()], { error: 'send CEUs as a decimal string such as "0.50" or a number' })
  .transform((value, ctx) => {
    try {
      const hundredths = parseCeu(value);
      if (hundredths > 0) return hundredths;
      ctx.addIssue({ code: 'custom', message: 'must be more than 0 CEUs' });
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
