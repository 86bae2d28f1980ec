import { NASM_CPT, cycleDates, evaluateApplication, type ApplicationInput } from '../../rules';
import { course, cpr, validCpr } from './fixtures';

const dates = cycleDates('2024-03-15', NASM_CPT);
const enough = [course(100, '2024-06-01'), course(90, '2025-06-01')];

function evaluate(input: Partial<ApplicationInput>) {
  return evaluateApplication({
    dates,
    policy: NASM_CPT,
    receivedOn: '2026-03-01',
    amountPaid: 9900,
    completions: enough,
    grants: [],
    cprAed: [validCpr],
    consumed: [],
    pendingApplication: false,
    closed: null,
    ...input,
  });
}

describe('evaluateApplication', () => {
  it('when everything is met on time, then the application is eligible and consumes nothing', () => {
    const result = evaluate({});
    expect(result.eligible).toBe(true);
    expect(result.reasons).toEqual([]);
    expect(result.consumes).toEqual([]);
    expect(result.quote).toMatchObject({ accepted: true, total: 9900 });
  });

  it('when CEUs are missing, then the reason says how many, of what, and the cycle dates', () => {
    const result = evaluate({ completions: [course(50, '2025-01-01')] });
    expect(result.reasons).toEqual([
      {
        code: 'insufficient_ceus',
        message:
          '1.40 CEUs short: 0.50 of the 1.90 course CEUs required are approved and dated in this cycle (2024-03-15 to 2026-03-15).',
      },
    ]);
    expect(result.eligible).toBe(false);
  });

  it('when CEUs are missing on a late application, then the reason also names the course cutoff', () => {
    const result = evaluate({
      receivedOn: '2026-04-01',
      amountPaid: 12900,
      completions: [course(50, '2025-01-01')],
    });
    expect(result.reasons.map((r) => r.message)).toEqual([
      '1.40 CEUs short: 0.50 of the 1.90 course CEUs required are approved and dated in this cycle (2024-03-15 to 2026-03-15) or by 2026-06-13 for this late renewal.',
    ]);
  });

  it.each([
    [
      'none is reported',
      [],
      'cpr_aed_missing',
      'No CPR/AED certification is on file: a hands-on CPR/AED certification valid on 2026-03-01 is required (it counts 0.10 CEUs).',
    ],
    [
      'the latest expired',
      [cpr('a', '2022-01-01', '2024-01-01'), cpr('b', '2024-01-01', '2026-02-01')],
      'cpr_aed_expired',
      'The latest CPR/AED certification expired on 2026-02-01: a hands-on CPR/AED certification valid on 2026-03-01 is required (it counts 0.10 CEUs).',
    ],
    [
      'the valid one is not hands-on',
      [cpr('a', '2025-01-01', '2027-01-01', false), cpr('b', '2024-01-01', '2026-02-01')],
      'cpr_aed_not_hands_on',
      'The CPR/AED certification valid on 2026-03-01 is not hands-on: a hands-on CPR/AED certification valid on 2026-03-01 is required (it counts 0.10 CEUs).',
    ],
    [
      'it was issued after the application',
      [cpr('a', '2026-03-05', '2028-03-05')],
      'cpr_aed_missing',
      'No CPR/AED certification was valid yet when the application was received (the earliest was issued on 2026-03-05): a hands-on CPR/AED certification valid on 2026-03-01 is required (it counts 0.10 CEUs).',
    ],
  ])(
    'when CPR/AED is a problem because %s, then exactly one CPR/AED reason %s explains it',
    (_case, cprAed, code, message) => {
      const result = evaluate({ cprAed });
      expect(result.reasons).toEqual([{ code, message }]);
    },
  );

  it('when the fee is underpaid in the late window, then the reason gives the paid amount, the due amount and the lines', () => {
    const result = evaluate({ receivedOn: '2026-03-20', amountPaid: 9900 });
    expect(result.reasons).toEqual([
      {
        code: 'underpaid',
        message: 'Paid $99.00, but $129.00 is due on 2026-03-20: Renewal fee $99.00 + Late fee $30.00.',
      },
    ]);
  });

  it('when the fee is overpaid, then the application is not rejected for it', () => {
    expect(evaluate({ amountPaid: 10000 }).eligible).toBe(true);
  });

  it('when the application arrives on the lapse date, then it is rejected as lapsed with the last day and the exam', () => {
    const result = evaluate({
      receivedOn: '2027-03-15',
      cprAed: [cpr('a', '2027-01-01', '2029-01-01')],
      amountPaid: 17900,
    });
    expect(result.reasons).toEqual([
      {
        code: 'lapsed',
        message:
          'Applications closed on 2027-03-14; the credential lapsed on 2027-03-15. The holder must re-take the exam.',
      },
    ]);
    expect(result.quote.accepted).toBe(false);
  });

  it('when the application arrives the day before the lapse date with the full fee, then it is eligible', () => {
    const result = evaluate({
      receivedOn: '2027-03-14',
      cprAed: [cpr('a', '2027-01-01', '2029-01-01')],
      amountPaid: 17900,
    });
    expect(result.eligible).toBe(true);
  });

  it('when another application is pending, then it is rejected as a duplicate', () => {
    expect(evaluate({ pendingApplication: true }).reasons).toEqual([
      {
        code: 'duplicate_pending',
        message:
          'Another renewal application is already pending; wait for its decision before applying again.',
      },
    ]);
  });

  it('when the credential was revoked, then it is rejected as closed', () => {
    expect(evaluate({ closed: 'revoked' }).reasons.map((r) => r.code)).toEqual(['closed']);
  });

  it('when the credential is already closed as lapsed, then it is rejected as lapsed', () => {
    expect(evaluate({ closed: 'lapsed' }).reasons.map((r) => r.code)).toEqual(['lapsed']);
  });

  it('when a late application relies on courses after the cutoff, then both the shortfall and the cutoff are explained', () => {
    const result = evaluate({
      receivedOn: '2026-07-01',
      amountPaid: 17900,
      completions: [course(140, '2025-01-01'), course(25, '2026-06-14'), course(25, '2026-06-30')],
    });
    expect(result.reasons).toEqual([
      expect.objectContaining({
        code: 'insufficient_ceus',
        message: expect.stringMatching(/^0\.50 CEUs short: 1\.40 of the 1\.90/),
      }),
      {
        code: 'courses_after_cutoff',
        message:
          '2 courses (0.50 CEUs) completed after 2026-06-13 cannot count for this cycle: only courses completed by then count for a late renewal.',
      },
    ]);
  });

  it('when courses after the cutoff exist but are not needed, then they are not a reason', () => {
    const result = evaluate({
      receivedOn: '2026-07-01',
      amountPaid: 17900,
      completions: [...enough, course(25, '2026-06-14')],
    });
    expect(result.eligible).toBe(true);
  });

  it('when everything is wrong at once, then every reason is collected', () => {
    const result = evaluate({
      receivedOn: '2027-03-20',
      amountPaid: 0,
      completions: [course(50, '2025-01-01'), course(50, '2026-12-01')],
      cprAed: [cpr('a', '2024-01-01', '2026-02-01')],
      pendingApplication: true,
      closed: 'revoked',
    });
    expect(result.reasons.map((r) => r.code)).toEqual([
      'closed',
      'lapsed',
      'duplicate_pending',
      'insufficient_ceus',
      'courses_after_cutoff',
      'cpr_aed_expired',
    ]);
    expect(result.eligible).toBe(false);
    expect(result.consumes).toEqual([]);
  });

  it('when shortfall, CPR/AED and payment all fail in the late window, then all three are reported', () => {
    const result = evaluate({ receivedOn: '2026-04-01', amountPaid: 9900, completions: [], cprAed: [] });
    expect(result.reasons.map((r) => r.code)).toEqual(['insufficient_ceus', 'cpr_aed_missing', 'underpaid']);
    expect(result.reasons[0]?.message).toContain('1.90 CEUs short: 0.00 of the 1.90');
  });

  it('when a late renewal is eligible using post-E courses, then consumes lists exactly those needed', () => {
    const needed = course(40, '2026-04-10');
    const result = evaluate({
      receivedOn: '2026-06-13',
      amountPaid: 12900,
      completions: [course(150, '2025-01-01'), course(40, '2026-05-01'), needed],
    });
    expect(result.eligible).toBe(true);
    expect(result.consumes).toEqual([`acme:${needed.completionId}`]);
  });

  it('when a late renewal is not eligible, then it consumes nothing', () => {
    const result = evaluate({
      receivedOn: '2026-04-01',
      amountPaid: 0,
      completions: [course(150, '2025-01-01'), course(40, '2026-03-20')],
    });
    expect(result.eligible).toBe(false);
    expect(result.consumes).toEqual([]);
  });

  it('when the amount paid is not whole cents, then evaluation refuses it', () => {
    expect(() => evaluate({ amountPaid: 99.5 })).toThrow(RangeError);
  });
});
