import { compareDates } from './calendar';
import { formatCeu } from './ceu-units';
import { ceuBalance, consumedByRenewal, isValidOn, sumCeus } from './ceu-balance';
import { lapsedReason, quoteFee } from './fees';
import { formatCents } from './money';
import type {
  ApplicationEvaluation,
  CalendarDate,
  CeuBalance,
  CeuCompletion,
  Cents,
  CprAedCertification,
  CycleDates,
  FeeQuote,
  PetitionGrant,
  Policy,
  Rejection,
} from './types';

export interface ApplicationInput {
  readonly dates: CycleDates;
  readonly policy: Policy;
  readonly receivedOn: CalendarDate;
  readonly amountPaid: Cents;
  readonly completions: readonly CeuCompletion[];
  readonly grants: readonly PetitionGrant[];
  readonly cprAed: readonly CprAedCertification[];
  readonly consumed: readonly string[];
  /** Another application for this credential is awaiting a decision. */
  readonly pendingApplication: boolean;
  /** The credential is already closed for good. */
  readonly closed?: 'lapsed' | 'revoked' | null;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function insufficientCeus(input: ApplicationInput, balance: CeuBalance): Rejection | null {
  const missing = balance.requiredFromCourses - balance.fromCourses;
  if (missing <= 0) return null;
  const { dates } = input;
  const late =
    compareDates(input.receivedOn, dates.expiration) > 0
      ? ` or by ${dates.courseCutoff} for this late renewal`
      : '';
  return {
    code: 'insufficient_ceus',
    message:
      `${formatCeu(missing)} CEUs short: ${formatCeu(balance.fromCourses)} of the ` +
      `${formatCeu(balance.requiredFromCourses)} course CEUs required are approved and dated in this cycle ` +
      `(${dates.start} to ${dates.expiration})${late}.`,
  };
}

function coursesAfterCutoff(input: ApplicationInput, balance: CeuBalance): Rejection | null {
  const tooLate = balance.excluded.filter((course) => course.reason === 'after_course_cutoff');
  if (tooLate.length === 0 || balance.fromCourses >= balance.requiredFromCourses) return null;
  return {
    code: 'courses_after_cutoff',
    message:
      `${plural(tooLate.length, 'course')} (${formatCeu(sumCeus(tooLate))} CEUs) completed after ` +
      `${input.dates.courseCutoff} cannot count for this cycle: only courses completed by then count for a late renewal.`,
  };
}

/** At most one CPR/AED reason: the one closest to being fixed. */
function cprAedProblem(input: ApplicationInput, balance: CeuBalance): Rejection | null {
  const requirement = input.policy.cprAed;
  if (!requirement || balance.cprAed) return null;
  const { receivedOn } = input;
  const kind = requirement.handsOnRequired ? 'hands-on CPR/AED certification' : 'CPR/AED certification';
  const counts = requirement.units > 0 ? ` (it counts ${formatCeu(requirement.units)} CEUs)` : '';
  const needed = `a ${kind} valid on ${receivedOn} is required${counts}.`;
  const reported = input.cprAed;
  if (reported.length === 0) {
    return { code: 'cpr_aed_missing', message: `No CPR/AED certification is on file: ${needed}` };
  }
  if (reported.some((cert) => isValidOn(cert, receivedOn))) {
    return {
      code: 'cpr_aed_not_hands_on',
      message: `The CPR/AED certification valid on ${receivedOn} is not hands-on: ${needed}`,
    };
  }
  const expired = reported.filter((cert) => compareDates(cert.expiresOn, receivedOn) < 0);
  if (expired.length > 0) {
    const latest = expired.reduce((a, b) => (compareDates(b.expiresOn, a.expiresOn) > 0 ? b : a));
    return {
      code: 'cpr_aed_expired',
      message: `The latest CPR/AED certification expired on ${latest.expiresOn}: ${needed}`,
    };
  }
  // Only certifications issued after the application was received.
  const earliest = reported.reduce((a, b) => (compareDates(b.issuedOn, a.issuedOn) < 0 ? b : a));
  return {
    code: 'cpr_aed_missing',
    message: `No CPR/AED certification was valid yet when the application was received (the earliest was issued on ${earliest.issuedOn}): ${needed}`,
  };
}

function underpaid(amountPaid: Cents, quote: FeeQuote): Rejection | null {
  if (!quote.accepted || amountPaid >= quote.total) return null;
  const breakdown = quote.lines.map((line) => `${line.label} ${formatCents(line.amount)}`).join(' + ');
  return {
    code: 'underpaid',
    message: `Paid ${formatCents(amountPaid)}, but ${formatCents(quote.total)} is due on ${quote.on}: ${breakdown}.`,
  };
}

/** Every reason an application cannot be accepted, all at once, each with the numbers to act on. */
export function evaluateApplication(input: ApplicationInput): ApplicationEvaluation {
  const { dates, policy, receivedOn, amountPaid } = input;
  if (!Number.isSafeInteger(amountPaid) || amountPaid < 0) {
    throw new RangeError(`Invalid amount paid ${amountPaid}: expected a non-negative whole number of cents.`);
  }
  const quote = quoteFee(dates, policy, receivedOn);
  const balance = ceuBalance({
    dates,
    policy,
    asOf: receivedOn,
    completions: input.completions,
    grants: input.grants,
    cprAed: input.cprAed,
    consumed: input.consumed,
  });

  const reasons: Rejection[] = [];
  const add = (rejection: Rejection | null): void => {
    if (rejection) reasons.push(rejection);
  };
  if (input.closed === 'revoked') {
    add({
      code: 'closed',
      message: 'The credential was revoked; renewal applications are no longer accepted.',
    });
  }
  if (!quote.accepted || input.closed === 'lapsed') add({ code: 'lapsed', message: lapsedReason(dates) });
  if (input.pendingApplication) {
    add({
      code: 'duplicate_pending',
      message: 'Another renewal application is already pending; wait for its decision before applying again.',
    });
  }
  add(insufficientCeus(input, balance));
  add(coursesAfterCutoff(input, balance));
  add(cprAedProblem(input, balance));
  add(underpaid(amountPaid, quote));

  const eligible = reasons.length === 0;
  return { eligible, reasons, quote, balance, consumes: eligible ? consumedByRenewal(balance, dates) : [] };
}
