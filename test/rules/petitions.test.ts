import { cycleDates, evaluatePetitionDecision, evaluatePetitionFiling, petitionGrants } from '../../rules';
import { NASM_CPT } from '../../rules/policies';

const dates = cycleDates('2024-03-15', NASM_CPT);
const filing = {
  dates,
  policy: NASM_CPT,
  receivedOn: '2025-01-10',
  course: 'Kettlebell workshop',
  requestedUnits: 80,
  completedOn: '2024-12-01',
  amountPaid: 2500,
};

describe('petition rules', () => {
  it('when a petition pays the $25 fee for a course in the cycle, then it can be filed and the fee line is the policy fee', () => {
    expect(evaluatePetitionFiling(filing)).toEqual({
      reasons: [],
      fee: { code: 'petition', label: 'Petition fee (per course, non-refundable)', amount: 2500 },
    });
  });

  it('when the petition underpays, names no course, requests no units and is dated before the cycle, then every reason is given', () => {
    const { reasons } = evaluatePetitionFiling({
      ...filing,
      course: ' ',
      requestedUnits: 0,
      completedOn: '2024-03-14',
      amountPaid: 2499,
    });
    expect(reasons.map((r) => r.code)).toEqual([
      'invalid_request',
      'invalid_request',
      'course_outside_cycle',
      'underpaid',
    ]);
    expect(reasons[3]?.message).toBe('Paid $24.99, but the petition fee is $25.00 per course.');
  });

  it('when the course date is after the day received or not a date, then it is an invalid request', () => {
    expect(
      evaluatePetitionFiling({ ...filing, completedOn: '2025-01-11' }).reasons.map((r) => r.code),
    ).toEqual(['invalid_request']);
    expect(
      evaluatePetitionFiling({ ...filing, completedOn: '2025-02-30' }).reasons.map((r) => r.code),
    ).toEqual(['invalid_request']);
  });

  it('when a decision grants more than requested, grants nothing, or denies without a reason, then it is refused', () => {
    expect(evaluatePetitionDecision({ requestedUnits: 80, decision: 'approved' })).toEqual([]);
    expect(evaluatePetitionDecision({ requestedUnits: 80, decision: 'approved', grantedUnits: 80 })).toEqual(
      [],
    );
    expect(
      evaluatePetitionDecision({ requestedUnits: 80, decision: 'approved', grantedUnits: 81 }).map(
        (r) => r.code,
      ),
    ).toEqual(['granted_exceeds_requested']);
    expect(
      evaluatePetitionDecision({ requestedUnits: 80, decision: 'approved', grantedUnits: 0 }).map(
        (r) => r.code,
      ),
    ).toEqual(['invalid_request']);
    expect(
      evaluatePetitionDecision({ requestedUnits: 80, decision: 'denied', reason: '  ' }).map((r) => r.code),
    ).toEqual(['reason_required']);
  });

  it('when petitions are pending, approved and denied, then only approved ones become grants, with the granted units', () => {
    const base = { course: 'c', completedOn: '2024-12-01' };
    expect(
      petitionGrants([
        { ...base, petitionId: 'p1', status: 'approved', grantedUnits: 60 },
        { ...base, petitionId: 'p2', status: 'denied', grantedUnits: null },
        { ...base, petitionId: 'p3', status: 'pending', grantedUnits: null },
      ]),
    ).toEqual([{ petitionId: 'p1', course: 'c', units: 60, completedOn: '2024-12-01' }]);
  });
});
