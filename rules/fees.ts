import { lastApplicationDay, windowEndsOn, windowOn } from './cycle';
import type { CalendarDate, CycleDates, FeeLine, FeeQuote, Policy } from './types';

/** Why a day on/after the lapse date cannot be quoted; shared with application rejections. */
export function lapsedReason(dates: CycleDates): string {
  return (
    `Applications closed on ${lastApplicationDay(dates)}; the credential lapsed on ${dates.lapseDate}. ` +
    'The holder must re-take the exam.'
  );
}

/** The fee lines of an application received on `on`; zero-amount surcharges are left out. */
export function quoteFee(dates: CycleDates, policy: Policy, on: CalendarDate): FeeQuote {
  const window = windowOn(dates, on);
  const validThrough = windowEndsOn(dates, on);
  if (window === 'lapsed' || validThrough === null) {
    return { accepted: false, window: 'lapsed', on, reason: lapsedReason(dates) };
  }
  const lines: FeeLine[] = [{ code: 'renewal', label: 'Renewal fee', amount: policy.fees.renewal }];
  if (window !== 'in_cycle' && policy.fees.late > 0) {
    lines.push({ code: 'late', label: 'Late fee', amount: policy.fees.late });
  }
  // Charged on top of the late fee (spec reading of "after the 90 days, an additional fee").
  if (window === 'reinstatement' && policy.fees.reinstatement > 0) {
    lines.push({
      code: 'reinstatement',
      label: 'Additional fee after the late window',
      amount: policy.fees.reinstatement,
    });
  }
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  return { accepted: true, window, on, lines, total, validThrough };
}

export function petitionFee(policy: Policy): FeeLine {
  return {
    code: 'petition',
    label: 'Petition fee (per course, non-refundable)',
    amount: policy.fees.petition,
  };
}
