import type { z } from 'zod';
import type { Holder } from '../db/types';
import { compareDates, dateAt } from '../rules/calendar';
import { completionKey } from '../rules/ceu-balance';
import { cycleDates, lapsedCycle, nextCycleDates, nthCycleDates } from '../rules/cycle';
import { getPolicy } from '../rules/policies';
import type { CalendarDate, CeuCompletion, CeuHundredths, CprAedCertification, Policy } from '../rules/types';
import type { CredentialInput } from '../workflows/contract';
import { CPR_AED_FIELDS, type ImportRowFields } from './row-schema';

// The rules that span fields of a row: where the credential is in its cycles today, and what it
// carries into its first run. Dates come from the rules module only.

/** A valid row: the workflow's input (no personal data) and, apart, the holder. */
export interface ImportedCredential {
  readonly input: CredentialInput;
  readonly holder: Holder;
}

type Ctx = z.RefinementCtx;

const MAX_CYCLE = 100;

/**
 * The opening balance: the CEUs the certifying body reports as already earned in the current cycle,
 * as one approved completion dated on the cycle's start (so it counts for this cycle and no other).
 * Completion ids are unique per provider across credentials, hence the credential number in it.
 */
export function openingBalance(
  credentialNumber: string,
  units: CeuHundredths,
  cycleStart: CalendarDate,
): CeuCompletion {
  return {
    provider: 'import',
    completionId: `opening-balance-${credentialNumber}`,
    course: 'Imported balance',
    units,
    completedOn: cycleStart,
    approved: true,
  };
}

/** Cycle n's start: the certification date, then the day after each expiration (late renewals included). */
function cycleStart(certifiedOn: CalendarDate, cycle: number, policy: Policy): CalendarDate {
  return nthCycleDates(certifiedOn, cycle, policy).start;
}

/** The cycle that starts on `start`, or the starts either side of it. */
type Found =
  | { readonly cycle: number }
  | { readonly before: CalendarDate | null; readonly after: CalendarDate | null };

function cycleStartingOn(certifiedOn: CalendarDate, start: CalendarDate, policy: Policy): Found {
  let previous: CalendarDate | null = null;
  let candidate = cycleDates(certifiedOn, policy);
  for (let n = 1; n <= MAX_CYCLE; n += 1) {
    const order = compareDates(candidate.start, start);
    if (order === 0) return { cycle: n };
    if (order > 0) return { before: previous, after: candidate.start };
    previous = candidate.start;
    candidate = nextCycleDates(candidate, policy);
  }
  return { before: previous, after: null };
}

function placeInCycles(row: ImportRowFields, policy: Policy, ctx: Ctx) {
  const certified = row.certificationDate;
  if (row.currentCycle !== undefined) {
    const start = cycleStart(certified, row.currentCycle, policy);
    if (row.currentCycleStart !== undefined && row.currentCycleStart !== start) {
      const rule =
        row.currentCycle === 1
          ? 'cycle 1 starts on the certification date'
          : `cycle ${row.currentCycle} starts the day after cycle ${row.currentCycle - 1} expires`;
      ctx.addIssue({
        code: 'custom',
        path: ['currentCycleStart'],
        message: `must be ${start} (${rule}), not ${row.currentCycleStart}`,
      });
      return null;
    }
    return { cycle: row.currentCycle, start, field: 'currentCycle' };
  }
  if (row.currentCycleStart === undefined) return { cycle: 1, start: certified, field: 'certificationDate' };
  const found = cycleStartingOn(certified, row.currentCycleStart, policy);
  if ('cycle' in found)
    return { cycle: found.cycle, start: row.currentCycleStart, field: 'currentCycleStart' };
  const nearest = [found.before, found.after].filter((d) => d !== null).join(' or ');
  ctx.addIssue({
    code: 'custom',
    path: ['currentCycleStart'],
    message:
      `is not a cycle start of a credential certified on ${certified} ` +
      `(cycles start on the certification date, then the day after each expiration)` +
      (nearest ? `: did you mean ${nearest}?` : ''),
  });
  return null;
}

function checkCompletions(
  completions: readonly CeuCompletion[],
  start: CalendarDate,
  today: CalendarDate,
  ctx: Ctx,
) {
  const seen = new Map<string, number>();
  completions.forEach((c, i) => {
    const path = ['completions', i, 'completedOn'];
    if (compareDates(c.completedOn, start) < 0)
      ctx.addIssue({ code: 'custom', path, message: `is before the current cycle's start ${start}` });
    if (compareDates(c.completedOn, today) > 0)
      ctx.addIssue({ code: 'custom', path, message: `must not be in the future (today is ${today})` });
    const key = completionKey(c);
    const first = seen.get(key);
    if (first !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['completions', i, 'completionId'],
        message: `repeats provider and completionId of completions.${first}`,
      });
    else seen.set(key, i);
  });
}

function cprAedOf(
  row: ImportRowFields,
  today: CalendarDate,
  ctx: Ctx,
): CprAedCertification | null | undefined {
  const given = CPR_AED_FIELDS.filter((field) => row[field] !== undefined);
  if (given.length === 0) return null;
  const { cprAedId, cprAedIssuedOn, cprAedExpiresOn, cprAedHandsOn } = row;
  if (
    cprAedId === undefined ||
    cprAedIssuedOn === undefined ||
    cprAedExpiresOn === undefined ||
    cprAedHandsOn === undefined
  ) {
    for (const field of CPR_AED_FIELDS.filter((f) => row[f] === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `is required with the other CPR/AED fields (${CPR_AED_FIELDS.join(', ')})`,
      });
    }
    return undefined;
  }
  if (compareDates(cprAedIssuedOn, today) > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['cprAedIssuedOn'],
      message: `must not be in the future (today is ${today})`,
    });
    return undefined;
  }
  if (compareDates(cprAedExpiresOn, cprAedIssuedOn) < 0) {
    ctx.addIssue({ code: 'custom', path: ['cprAedExpiresOn'], message: 'must not be before cprAedIssuedOn' });
    return undefined;
  }
  return {
    certificationId: cprAedId,
    issuedOn: cprAedIssuedOn,
    expiresOn: cprAedExpiresOn,
    handsOn: cprAedHandsOn,
  };
}

/** The credential a row describes, as of `now`; adds an issue per problem and returns null if any. */
export function toImportedCredential(row: ImportRowFields, now: number, ctx: Ctx): ImportedCredential | null {
  const policy = getPolicy(row.policyId);
  const today = dateAt(now, policy.timeZone);
  const future = `must not be in the future (today is ${today} in ${policy.timeZone})`;
  if (compareDates(row.certificationDate, today) > 0) {
    ctx.addIssue({ code: 'custom', path: ['certificationDate'], message: future });
    return null;
  }
  const placed = placeInCycles(row, policy, ctx);
  if (!placed) return null;
  const { cycle, start, field } = placed;
  if (compareDates(start, today) > 0) {
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `cycle ${cycle} would start on ${start}: ${future}`,
    });
    return null;
  }
  const dates = cycleDates(start, policy, cycle);
  const lapsed = lapsedCycle(cycle, dates, today);
  if (lapsed) {
    ctx.addIssue({
      code: 'custom',
      path: [field],
      message: `${lapsed}: give the cycle the credential is in today (a lapsed credential is not imported)`,
    });
    return null;
  }

  if (row.ceusEarned !== undefined && row.completions !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['completions'],
      message: 'send either ceusEarned or completions, not both',
    });
    return null;
  }
  const completions: CeuCompletion[] = row.completions
    ? [...row.completions]
    : row.ceusEarned
      ? [openingBalance(row.credentialNumber, row.ceusEarned, start)]
      : [];
  checkCompletions(completions, start, today, ctx);
  const cprAed = cprAedOf(row, today, ctx);
  if (cprAed === undefined) return null;

  const carries = completions.length > 0 || cprAed !== null;
  return {
    input: {
      credentialNumber: row.credentialNumber,
      policyId: policy.id,
      certifiedOn: row.certificationDate,
      cycle,
      cycleStart: start,
      ...(carries
        ? { carried: { completions, consumed: [], cprAed: cprAed ? [cprAed] : [], petitions: [] } }
        : {}),
    },
    holder: { name: row.holderName, email: row.holderEmail },
  };
}
