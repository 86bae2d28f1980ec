import { compareDates, isCalendarDate } from './calendar';
import { formatCeu } from './ceu-units';
import { petitionFee } from './fees';
import { formatCents } from './money';
import type {
  CalendarDate,
  Cents,
  CeuHundredths,
  CycleDates,
  FeeLine,
  PetitionGrant,
  Policy,
  Rejection,
} from './types';

export interface PetitionFilingInput {
  readonly dates: CycleDates;
  readonly policy: Policy;
  readonly receivedOn: CalendarDate;
  readonly course: string;
  readonly requestedUnits: CeuHundredths;
  readonly completedOn: CalendarDate;
  readonly amountPaid: Cents;
}

export interface PetitionFilingEvaluation {
  readonly reasons: readonly Rejection[];
  /** The fee charged when the petition is filed (non-refundable). */
  readonly fee: FeeLine;
}

/** Every reason a petition cannot be filed; the fee is due in full when it is filed. */
export function evaluatePetitionFiling(input: PetitionFilingInput): PetitionFilingEvaluation {
  const { dates, policy, receivedOn } = input;
  const fee = petitionFee(policy);
  const reasons: Rejection[] = [];
  if (input.course.trim() === '') {
    reasons.push({ code: 'invalid_request', message: 'Name the course the petition is for.' });
  }
  if (!Number.isSafeInteger(input.requestedUnits) || input.requestedUnits <= 0) {
    reasons.push({
      code: 'invalid_request',
      message: `Requested CEUs must be a positive whole number of hundredths (e.g. 50 for 0.50), got ${input.requestedUnits}.`,
    });
  }
  if (!isCalendarDate(input.completedOn)) {
    reasons.push({
      code: 'invalid_request',
      message: `The completion date ${JSON.stringify(input.completedOn)} is not a date as YYYY-MM-DD.`,
    });
  } else if (compareDates(input.completedOn, receivedOn) > 0) {
    reasons.push({
      code: 'invalid_request',
      message: `The course is dated ${input.completedOn}, after today (${receivedOn}): petition a course once it is completed.`,
    });
  } else if (compareDates(input.completedOn, dates.start) < 0) {
    // A course before the cycle can never count: refuse rather than charge a fee for nothing.
    reasons.push({
      code: 'course_outside_cycle',
      message: `The course was completed on ${input.completedOn}, before this cycle started (${dates.start}): it cannot count.`,
    });
  }
  if (!Number.isSafeInteger(input.amountPaid) || input.amountPaid < fee.amount) {
    reasons.push({
      code: 'underpaid',
      message: `Paid ${Number.isSafeInteger(input.amountPaid) ? formatCents(input.amountPaid) : String(input.amountPaid)}, but the petition fee is ${formatCents(fee.amount)} per course.`,
    });
  }
  return { reasons, fee };
}

export interface PetitionDecisionInput {
  readonly requestedUnits: CeuHundredths;
  readonly decision: 'approved' | 'denied';
  readonly grantedUnits?: CeuHundredths;
  readonly reason?: string;
}

/** Approved: 1..requested units (all by default). Denied: a reason is required. */
export function evaluatePetitionDecision(input: PetitionDecisionInput): readonly Rejection[] {
  const reasons: Rejection[] = [];
  if (input.decision === 'denied' && (input.reason ?? '').trim() === '') {
    reasons.push({
      code: 'reason_required',
      message: 'A denied petition needs a reason the holder can act on.',
    });
  }
  if (input.decision === 'approved' && input.grantedUnits !== undefined) {
    if (!Number.isSafeInteger(input.grantedUnits) || input.grantedUnits <= 0) {
      reasons.push({
        code: 'invalid_request',
        message: `Granted CEUs must be a positive whole number of hundredths, got ${input.grantedUnits}; deny the petition instead of granting nothing.`,
      });
    } else if (input.grantedUnits > input.requestedUnits) {
      reasons.push({
        code: 'granted_exceeds_requested',
        message: `Cannot grant ${formatCeu(input.grantedUnits)} CEUs: the petition requested ${formatCeu(input.requestedUnits)}.`,
      });
    }
  }
  return reasons;
}

/** The grants of approved petitions (what ceuBalance counts). */
export function petitionGrants(
  petitions: readonly {
    readonly petitionId: string;
    readonly course: string;
    readonly completedOn: CalendarDate;
    readonly status: 'pending' | 'approved' | 'denied';
    readonly grantedUnits: CeuHundredths | null;
  }[],
): PetitionGrant[] {
  return petitions
    .filter((p) => p.status === 'approved' && p.grantedUnits !== null)
    .map((p) => ({
      petitionId: p.petitionId,
      course: p.course,
      units: p.grantedUnits ?? 0,
      completedOn: p.completedOn,
    }));
}
