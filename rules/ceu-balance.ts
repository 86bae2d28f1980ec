import { compareDates } from './calendar';
import type {
  CalendarDate,
  CeuBalance,
  CeuCompletion,
  CeuHundredths,
  CountedCourse,
  CprAedCertification,
  CycleDates,
  ExclusionReason,
  PetitionGrant,
  Policy,
} from './types';

export interface CeuBalanceInput {
  readonly dates: CycleDates;
  readonly policy: Policy;
  /** The day the balance is taken (the day an application is received). */
  readonly asOf: CalendarDate;
  readonly completions: readonly CeuCompletion[];
  readonly grants: readonly PetitionGrant[];
  readonly cprAed: readonly CprAedCertification[];
  /** Keys of post-E courses the previous cycle's late renewal relied on. */
  readonly consumed: readonly string[];
}

type ExcludedCourse = CountedCourse & { readonly reason: ExclusionReason };

function requireUnits(units: CeuHundredths, key: string): CeuHundredths {
  if (!Number.isSafeInteger(units) || units < 0) {
    throw new RangeError(
      `Invalid CEUs for ${key}: ${units} is not a non-negative whole number of hundredths.`,
    );
  }
  return units;
}

/**
 * Key of a provider's completion, as balances, consumed lists and idempotency use it: the provider
 * with `%` and `:` escaped, a colon, the completion id. Unambiguous ("acme:2026" + "A-1" differs
 * from "acme" + "2026:A-1"), and the same as the first release's keys for every provider without
 * those characters, so recorded keys stay valid.
 */
export function completionKey(c: { readonly provider: string; readonly completionId: string }): string {
  return `${c.provider.replaceAll('%', '%25').replaceAll(':', '%3A')}:${c.completionId}`;
}

/** Provider names the service itself uses for completions it creates; a provider may not report as one. */
export const RESERVED_PROVIDERS: readonly string[] = ['petition', 'import', 'carry-over'];

/** Key of the units an approved petition grants. */
export function grantKey(petitionId: string): string {
  return `petition:${petitionId}`;
}

/** Integer sum of CEU amounts or of items carrying `units`. */
export function sumCeus(
  list: readonly CeuHundredths[] | readonly { readonly units: CeuHundredths }[],
): CeuHundredths {
  let total = 0;
  for (const item of list) {
    const units = typeof item === 'number' ? item : item.units;
    if (!Number.isSafeInteger(units))
      throw new RangeError(`Invalid CEU amount ${units}: expected whole hundredths.`);
    total += units;
  }
  return total;
}

export function byCompletionThenKey(a: CountedCourse, b: CountedCourse): number {
  return compareDates(a.completedOn, b.completedOn) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export function isValidOn(cert: CprAedCertification, day: CalendarDate): boolean {
  return compareDates(cert.issuedOn, day) <= 0 && compareDates(day, cert.expiresOn) <= 0;
}

/** The certification that satisfies the policy on `day`: valid then, hands-on if required, latest expiring. */
export function countingCprAed(
  policy: Policy,
  certifications: readonly CprAedCertification[],
  day: CalendarDate,
): CprAedCertification | null {
  const requirement = policy.cprAed;
  if (!requirement) return null;
  const usable = certifications
    .filter((cert) => isValidOn(cert, day) && (cert.handsOn || !requirement.handsOnRequired))
    .sort(
      (a, b) =>
        compareDates(b.expiresOn, a.expiresOn) ||
        (a.certificationId < b.certificationId ? -1 : a.certificationId > b.certificationId ? 1 : 0),
    );
  return usable[0] ?? null;
}

interface Candidate {
  readonly course: CountedCourse;
  readonly approved: boolean;
}

function candidates(completions: readonly CeuCompletion[], grants: readonly PetitionGrant[]): Candidate[] {
  const seen = new Set<string>();
  const result: Candidate[] = [];
  const add = (course: CountedCourse, approved: boolean): void => {
    // The same completion reported twice counts once.
    if (seen.has(course.key)) return;
    seen.add(course.key);
    requireUnits(course.units, course.key);
    result.push({ course, approved });
  };
  for (const c of completions) {
    const key = completionKey(c);
    add(
      { key, course: c.course, units: c.units, completedOn: c.completedOn, source: 'provider' },
      c.approved,
    );
  }
  for (const g of grants) {
    const key = grantKey(g.petitionId);
    // A grant exists only for an approved petition, and counts as of the course's completion date.
    add({ key, course: g.course, units: g.units, completedOn: g.completedOn, source: 'petition' }, true);
  }
  return result;
}

/**
 * The post-E courses a late renewal relies on (spec, readings at the seams): as few CEUs as possible,
 * i.e. the set whose total is the smallest that covers `needed`; among sets with that total, the one
 * whose courses come earliest (compared course by course in completion order). The rest stay for the
 * next cycle, whose dates contain them. When even all of them fall short, all count (the balance then
 * shows how close the holder is). `courses` are in completion order.
 */
export function lateCoursesToCount(
  courses: readonly CountedCourse[],
  needed: CeuHundredths,
): CountedCourse[] {
  if (needed <= 0 || courses.length === 0) return [];
  if (sumCeus(courses) <= needed) return [...courses];
  // Subset sums below `needed`, each with its earliest set of course indices (ascending): a sum
  // reached again by a set that is not earlier keeps the first. Sums at or above `needed` are final.
  const best = new Map<number, number[]>([[0, []]]);
  courses.forEach((course, index) => {
    for (const [sum, set] of [...best.entries()].filter(([total]) => total < needed)) {
      const total = sum + course.units;
      const candidate = [...set, index];
      const known = best.get(total);
      if (!known || isEarlier(candidate, known)) best.set(total, candidate);
    }
  });
  const covering = [...best.keys()].filter((total) => total >= needed).sort((a, b) => a - b)[0];
  return (covering === undefined ? [] : (best.get(covering) ?? [])).map((index) => courses[index]!);
}

/** Lexicographic order of ascending index lists: the set with the earlier course first wins. */
function isEarlier(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  return a.length < b.length;
}

/** Course CEUs beyond the requirement: what a policy with carry-over moves into the next cycle. */
export function surplusUnits(balance: CeuBalance): CeuHundredths {
  return Math.max(0, balance.fromCourses - balance.requiredFromCourses);
}

/**
 * The CEUs that count for the cycle `dates` on day `asOf`.
 * In-cycle courses (start..E) count. On a late application (asOf after E), courses completed
 * after E up to the course cutoff are added only as far as needed (lateCoursesToCount); the rest are
 * left for the next cycle. CPR/AED counts once, as its own part.
 */
export function ceuBalance(input: CeuBalanceInput): CeuBalance {
  const { dates, policy, asOf } = input;
  const consumed = new Set(input.consumed);
  const isLate = compareDates(asOf, dates.expiration) > 0;
  const inCycle: CountedCourse[] = [];
  const postExpiration: CountedCourse[] = [];
  const excluded: ExcludedCourse[] = [];
  const exclude = (course: CountedCourse, reason: ExclusionReason): void => {
    excluded.push({ ...course, reason });
  };

  for (const { course, approved } of candidates(input.completions, input.grants)) {
    if (!approved) exclude(course, 'not_approved');
    else if (consumed.has(course.key)) exclude(course, 'consumed');
    else if (compareDates(course.completedOn, dates.start) < 0) exclude(course, 'before_cycle');
    else if (compareDates(course.completedOn, dates.expiration) <= 0) inCycle.push(course);
    else if (compareDates(course.completedOn, dates.courseCutoff) > 0) exclude(course, 'after_course_cutoff');
    else if (isLate) postExpiration.push(course);
    else exclude(course, 'after_cycle');
  }

  const cprUnits = policy.cprAed?.units ?? 0;
  const requiredFromCourses = Math.max(0, policy.requiredCeus - cprUnits);
  const inCycleUnits = sumCeus(inCycle);
  const late = lateCoursesToCount(
    postExpiration.sort(byCompletionThenKey),
    requiredFromCourses - inCycleUnits,
  );
  const counted = [...inCycle, ...late];
  const fromCourses = inCycleUnits + sumCeus(late);
  for (const course of postExpiration) if (!late.includes(course)) exclude(course, 'after_cycle');

  const cprAed = countingCprAed(policy, input.cprAed, asOf);
  const fromCprAed = cprAed ? cprUnits : 0;
  return {
    required: policy.requiredCeus,
    earned: fromCourses + fromCprAed,
    fromCourses,
    fromCprAed,
    requiredFromCourses,
    shortfall: Math.max(0, requiredFromCourses - fromCourses) + (cprUnits - fromCprAed),
    counted: counted.sort(byCompletionThenKey),
    excluded: excluded.sort(byCompletionThenKey),
    cprAed,
  };
}

/** Keys of the post-E courses a late renewal relies on; they must not count again next cycle. */
export function consumedByRenewal(balance: CeuBalance, dates: CycleDates): string[] {
  return balance.counted
    .filter((course) => compareDates(course.completedOn, dates.expiration) > 0)
    .map((course) => course.key);
}
