import { isCalendarDate } from '../rules/calendar';

// What PostgreSQL would refuse, refused before anything is sent: such an event can never be written
// and is parked (db/dead-letters.ts) instead of failing its whole batch. Codes are the SQLSTATEs
// PostgreSQL would have answered, so dead letters read the same whoever refused them.

const OUT_OF_RANGE = '22003'; // numeric_value_out_of_range
const BAD_TEXT = '22021'; // character_not_in_repertoire (NUL, lone surrogate)
const BAD_DATE = '22008'; // datetime_field_overflow
const BAD_VALUE = '22023'; // invalid_parameter_value

const INT4_MIN = -2_147_483_648;
const INT4_MAX = 2_147_483_647;
// PostgreSQL's timestamptz runs from 4713 BC; a workflow instant is after 1970 and before 10000.
const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const NUL = '\u0000';

/** A value the database can never store: the event is parked, never retried as an outage. */
export class UnstorableValueError extends Error {
  constructor(
    readonly code: string,
    readonly field: string,
    problem: string,
  ) {
    // The field and the problem only: the value itself may be anything a client sent.
    super(`Refused before writing: ${field} ${problem}.`);
    this.name = 'UnstorableValueError';
  }
}

// A UTF-16 code unit of a surrogate pair without its partner: not encodable as UTF-8.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(value: string): string | null {
  if (value.includes(NUL)) return 'contains a NUL character';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired surrogate (not valid Unicode)';
  return null;
}

/** Every string anywhere in a value must be storable as text and in jsonb. */
function checkJson(value: unknown, field: string): void {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) throw new UnstorableValueError(BAD_TEXT, field, problem);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, `${field}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      checkJson(key, `${field} key`);
      checkJson(inner, `${field}.${key}`);
    }
  }
}

/** An integer column (int4): whole and within range. */
export function checkInt(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < INT4_MIN || value > INT4_MAX) {
    throw new UnstorableValueError(
      OUT_OF_RANGE,
      field,
      `must be a whole number from ${INT4_MIN} to ${INT4_MAX}`,
    );
  }
}

/**
 * Whether JSON text may hold what jsonb refuses: JSON.stringify writes NUL and unpaired surrogates
 * as \u escapes (and nothing else in that range). Literal backslashes can match too: then the walk
 * of checkJson decides.
 */
export const mayBeUnstorable = (json: string): boolean => /\\u(0000|d[89a-f])/i.test(json);

/**
 * Parameters of one statement, each checked against the column type it is cast to. The methods
 * return the placeholder (`$3::int`) to write into the SQL.
 */
export class Params {
  readonly values: unknown[] = [];

  private add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }

  text(value: string, field: string): string {
    if (typeof value !== 'string') throw new UnstorableValueError(BAD_VALUE, field, 'must be text');
    const problem = textProblem(value);
    if (problem) throw new UnstorableValueError(BAD_TEXT, field, problem);
    return this.add(value, 'text');
  }

  textOrNull(value: string | null | undefined, field: string): string {
    return value === null || value === undefined ? this.add(null, 'text') : this.text(value, field);
  }

  int(value: number, field: string): string {
    checkInt(value, field);
    return this.add(value, 'int');
  }

  intOrNull(value: number | null | undefined, field: string): string {
    return value === null || value === undefined ? this.add(null, 'int') : this.int(value, field);
  }

  bool(value: boolean, field: string): string {
    if (typeof value !== 'boolean') throw new UnstorableValueError(BAD_VALUE, field, 'must be true or false');
    return this.add(value, 'boolean');
  }

  /** A calendar date, YYYY-MM-DD, a real day from year 1 to 9999. */
  date(value: string, field: string): string {
    if (typeof value !== 'string' || !isCalendarDate(value) || value < '0001-01-01') {
      throw new UnstorableValueError(BAD_DATE, field, 'must be a real date from 0001-01-01 to 9999-12-31');
    }
    return this.add(value, 'date');
  }

  dateOrNull(value: string | null | undefined, field: string): string {
    return value === null || value === undefined ? this.add(null, 'date') : this.date(value, field);
  }

  /** An instant in epoch milliseconds. */
  instant(value: number, field: string): string {
    if (!Number.isFinite(value) || value < 0 || value > MAX_INSTANT_MS) {
      throw new UnstorableValueError(BAD_DATE, field, 'must be an instant between 1970 and 9999');
    }
    return this.add(new Date(value).toISOString(), 'timestamptz');
  }

  json(value: unknown, field: string): string {
    const text = JSON.stringify(value ?? null);
    // The walk finds the field; most values have nothing to find and skip it.
    if (mayBeUnstorable(text)) checkJson(value, field);
    return this.add(text, 'jsonb');
  }

  textArray(values: readonly string[], field: string): string {
    values.forEach((v, i) => {
      if (typeof v !== 'string') throw new UnstorableValueError(BAD_VALUE, `${field}[${i}]`, 'must be text');
      const problem = textProblem(v);
      if (problem) throw new UnstorableValueError(BAD_TEXT, `${field}[${i}]`, problem);
    });
    return this.add([...values], 'text[]');
  }

  /** A value that needs no check (booleans computed here, our own constants). */
  raw(value: unknown, cast: string): string {
    return this.add(value, cast);
  }
}

/**
 * The value made storable as jsonb: strings keep what PostgreSQL accepts, and NUL characters and
 * unpaired surrogates become the visible text `\u0000`, `\ud800`. For dead letters only.
 */
export function storable(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.replace(
      // eslint-disable-next-line no-control-regex -- NUL is exactly what this escapes
      /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)]));
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
