import { z } from 'zod';
import { compareDates, isCalendarDate } from './calendar';
import { RESERVED_PROVIDERS } from './ceu-balance';
import { frozenSafePattern } from './frozen-safe-pattern';

// zod registers its English messages as an import side effect, which bundlers may drop (the workflow
// bundle did: "Invalid input" instead of 'Unrecognized key: "unit"'); register them explicitly.
z.config(z.locales.en());

// The building blocks of every message a credential accepts, written once: the HTTP API composes its
// request schemas from them, and the workflow parses every signal and update with schemas built from
// the same pieces (workflows/messages.ts). Pure zod, so it runs in the workflow sandbox too.

/** Dates a person or a provider can mean; anything outside is a typo (0026, 20260) or hostile. */
export const EARLIEST_DATE = '1900-01-01';
export const LATEST_DATE = '2999-12-31';

/** Largest CEU amount one course may carry: 99.99 CEUs (a cycle needs 2.00). */
export const MAX_COURSE_UNITS = 9999;
/** Largest amount of money one command may carry: $1,000,000.00. */
export const MAX_CENTS = 100_000_000;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- identifiers allow no control character at all
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;
// Half of a surrogate pair (half an emoji): JSON can carry it, PostgreSQL and UTF-8 cannot.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isWellFormedText(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

const NOT_WELL_FORMED = 'must be well-formed Unicode (it holds half of a character pair, e.g. half an emoji)';
const NO_CONTROL = 'must not contain control characters';

/** Free text a person wrote or reads: trimmed, not empty, bounded, printable (newlines and tabs allowed). */
export const Text = (max = 500) =>
  z
    .string({ error: 'send text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `use at most ${max} characters`)
    .refine(isWellFormedText, NOT_WELL_FORMED)
    .refine((s) => !CONTROL_EXCEPT_WHITESPACE.test(s), NO_CONTROL);

/** An identifier from another system (provider, payment processor, document store, API key). */
export const ExternalId = (max = 200) =>
  z
    .string({ error: 'send an identifier as text' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `use at most ${max} characters`)
    .refine(isWellFormedText, NOT_WELL_FORMED)
    .refine((s) => !ANY_CONTROL.test(s), NO_CONTROL);

/** The provider of a completion: an identifier, but not one of the names the service uses itself. */
export const ProviderId = ExternalId().refine(
  (p) => !RESERVED_PROVIDERS.includes(p),
  `must not be one of the names the service uses itself (${RESERVED_PROVIDERS.join(', ')})`,
);

// An address as JSON Schema's `format: email` (RFC 5321, domain per RFC 1123 and IDNA) means it, in
// the common ASCII form: local part of at most 64 characters, domain labels of letters, digits and
// inner hyphens (at most 63 each, 253 in all; "--" in 3rd-4th place only for punycode "xn--"), a
// letters-only top-level domain. zod's default accepted labels ending in "-". The domain rules past
// the pattern are a refinement: lookaheads in the documented pattern made generating examples from
// it (the API fuzz) several times slower.
const EMAIL =
  /^(?!\.)(?!.*\.\.)[A-Za-z0-9_'+\-.]{0,63}[A-Za-z0-9_+-]@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const NOT_EMAIL = 'use a valid e-mail address';

function isEmailDomain(domain: string): boolean {
  return (
    domain.length <= 253 &&
    domain.split('.').every((label) => !/^[A-Za-z0-9]{2}--/.test(label) || /^xn--/i.test(label))
  );
}

/** An e-mail address (a holder's: personal data, never in a workflow). */
export const EmailField = z
  .email({ pattern: EMAIL, error: NOT_EMAIL })
  .refine((email) => isEmailDomain(email.slice(email.lastIndexOf('@') + 1)), NOT_EMAIL);

/** A calendar date `YYYY-MM-DD` between 1900 and 2999. */
export const CalendarDateField = z
  .string({ error: 'send a date as YYYY-MM-DD' })
  .refine(isCalendarDate, 'use a real calendar date in the form YYYY-MM-DD')
  .refine(
    (d) => !isCalendarDate(d) || (compareDates(d, EARLIEST_DATE) >= 0 && compareDates(d, LATEST_DATE) <= 0),
    `use a date from ${EARLIEST_DATE} to ${LATEST_DATE}`,
  )
  .meta({ format: 'date', example: '2026-03-14' });

/** CEUs of one course in hundredths (the workflow contract's unit): 1 to 9999 (0.01 to 99.99 CEUs). */
export const CourseUnits = z
  .number({ error: 'send whole hundredths of a CEU as an integer (50 = 0.50 CEUs)' })
  .int('send whole hundredths of a CEU as an integer (50 = 0.50 CEUs)')
  .min(1, 'must be at least 1 hundredth of a CEU')
  .max(MAX_COURSE_UNITS, `must be at most ${MAX_COURSE_UNITS} hundredths (99.99 CEUs)`);

/** Money in whole cents: $99.00 is 9900. */
export const CentsField = z
  .number({ error: 'send an integer number of cents, e.g. 9900 for $99.00' })
  .int('send an integer number of cents, e.g. 9900 for $99.00')
  .min(0, 'must not be negative')
  .max(MAX_CENTS, 'is too large (at most 100000000 cents)');

/** Who sends a command from outside: an API key's role and id (never a person's name). */
export const ActorField = z.strictObject(
  {
    kind: z.enum(['service', 'portal', 'ops'], {
      error: 'kind must be service, portal or ops (system is the workflow itself)',
    }),
    id: ExternalId(100),
  },
  { error: 'send the actor as {"kind":"ops","id":"<your API key id or staff id>"}' },
);

/** What `z.iso.datetime({ offset: true })` checks, in a form a frozen schema can use (see below). */
const ISO_INSTANT = { offset: true, local: false, precision: null } as const;

/**
 * The instant the API received a command (ISO 8601 with offset); see rules/receipt.ts. zod's own
 * pattern for these options, wrapped so the schema works deep-frozen (rules/frozen-safe-pattern.ts).
 */
export const ReceivedAtField = z.iso
  .datetime({
    ...ISO_INSTANT,
    error: 'send an ISO 8601 instant, e.g. 2026-03-14T23:59:50Z',
    // zod takes a given pattern instead of building one; its parameter types just do not list it.
    ...({ pattern: frozenSafePattern(z.core.regexes.datetime(ISO_INSTANT)) } as object),
  })
  .optional();
