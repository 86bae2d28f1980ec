import { compareDates } from './calendar';
import { formatCeu } from './ceu-units';
import type { CalendarDate, CeuCompletion, CprAedCertification, NotCountedReason, Rejection } from './types';

// Facts reported by providers and the portal: what makes a report unacceptable whatever the
// credential's state. The API answers these with a 400 before anything is sent; the workflow applies
// the same checks to what reaches it directly (the Temporal UI, a backend talking to Temporal).

/** A completion dated after the day it is reported is refused (spec: readings at the seams). */
export function completionReportProblems(c: CeuCompletion, receivedOn: CalendarDate): Rejection[] {
  if (compareDates(c.completedOn, receivedOn) <= 0) return [];
  return [
    {
      code: 'dated_in_future',
      message: `The course is dated ${c.completedOn}, after the day it was reported (${receivedOn}): report it once it is completed.`,
    },
  ];
}

export function cprAedReportProblems(c: CprAedCertification, receivedOn: CalendarDate): Rejection[] {
  const problems: Rejection[] = [];
  if (compareDates(c.issuedOn, receivedOn) > 0) {
    problems.push({
      code: 'dated_in_future',
      message: `The certification is issued on ${c.issuedOn}, after the day it was reported (${receivedOn}): report it once it is issued.`,
    });
  }
  problems.push(...cprAedDateProblems(c));
  return problems;
}

/** The certification's own dates, whatever the day: it cannot expire before it was issued. */
function cprAedDateProblems(c: Pick<CprAedCertification, 'issuedOn' | 'expiresOn'>): Rejection[] {
  if (compareDates(c.expiresOn, c.issuedOn) >= 0) return [];
  return [
    {
      code: 'invalid_message',
      message: `The certification expires on ${c.expiresOn}, before it was issued (${c.issuedOn}): check both dates.`,
    },
  ];
}

/** Whether two reports with the same key state the same facts (a repeat), or contradict (a correction). */
export function sameCompletion(a: CeuCompletion, b: CeuCompletion): boolean {
  return (
    a.course === b.course &&
    a.units === b.units &&
    a.completedOn === b.completedOn &&
    a.approved === b.approved
  );
}

export function sameCprAed(a: CprAedCertification, b: CprAedCertification): boolean {
  return a.issuedOn === b.issuedOn && a.expiresOn === b.expiresOn && a.handsOn === b.handsOn;
}

function describeCompletion(c: CeuCompletion): string {
  return `"${c.course}", ${formatCeu(c.units)} CEUs, completed ${c.completedOn}, ${c.approved ? 'approved' : 'not approved'}`;
}

function describeCprAed(c: CprAedCertification): string {
  return `issued ${c.issuedOn}, expires ${c.expiresOn}, ${c.handsOn ? 'hands-on' : 'not hands-on'}`;
}

/**
 * A correction is a conflict, never silently dropped: both versions, and what to do. Nobody edits a
 * recorded report (there is no ops path): a provider that got it wrong reports the right facts under a
 * new completion id, and the first report keeps its standing.
 */
export function completionConflict(recorded: CeuCompletion, reported: CeuCompletion): Rejection {
  return {
    code: 'conflicting_correction',
    message:
      `Completion ${reported.completionId} of ${reported.provider} was already reported as ${describeCompletion(recorded)}; ` +
      `this report says ${describeCompletion(reported)}. The first report stands and cannot be edited: to record the right facts, report them under a new completion id.`,
  };
}

export function cprAedConflict(recorded: CprAedCertification, reported: CprAedCertification): Rejection {
  return {
    code: 'conflicting_correction',
    message:
      `CPR/AED certification ${reported.certificationId} was already reported as ${describeCprAed(recorded)}; ` +
      `this report says ${describeCprAed(reported)}. The first report stands and cannot be edited: to record the right facts, report them under a new certification id.`,
  };
}

const NOT_COUNTED: Readonly<Record<NotCountedReason, string>> = {
  not_approved: 'The course is not approved: it counts only through an approved petition.',
  before_cycle: 'The course was completed before the cycle began.',
  after_cycle:
    'The course was completed after the cycle ended: it counts for the next cycle, or for a late renewal.',
  after_course_cutoff: 'The course was completed after the last day courses count for a late renewal.',
  consumed: 'The course was already used by the previous cycle’s late renewal.',
  cpr_aed_expired: 'The CPR/AED certification has expired.',
  cpr_aed_not_hands_on: 'The CPR/AED certification is not hands-on, which the policy requires.',
  cpr_aed_not_yet_valid: 'The CPR/AED certification is not valid yet (issued in the future).',
};

/** How a reported fact stands, in words a provider can act on. */
export function describeStanding(reason: NotCountedReason | null): string {
  return reason === null ? 'Counted towards the cycle’s requirement.' : NOT_COUNTED[reason];
}
