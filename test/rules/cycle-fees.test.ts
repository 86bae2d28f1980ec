import {
  ACE_CPT,
  DEFAULT_POLICY_ID,
  NASM_CPT,
  POLICIES,
  boundaries,
  cycleDates,
  describeWindow,
  getPolicy,
  nextCycleDates,
  nextCycleStart,
  nthCycleDates,
  petitionFee,
  policyIds,
  quoteFee,
  windowOn,
} from '../../rules';

const nasm = cycleDates('2024-03-15', NASM_CPT);

describe('policies', () => {
  it('when a policy is looked up by id, then it is found; an unknown id names the known ones', () => {
    expect(getPolicy('nasm-cpt')).toBe(NASM_CPT);
    expect(getPolicy('ace-cpt')).toBe(ACE_CPT);
    expect(getPolicy(DEFAULT_POLICY_ID)).toBe(NASM_CPT);
    expect(policyIds()).toEqual(['ace-cpt', 'nasm-cpt']);
    expect(Object.keys(POLICIES).sort()).toEqual(policyIds());
    expect(() => getPolicy('toString')).toThrow(RangeError);
    expect(() => getPolicy('cpr')).toThrow(/Unknown policy "cpr": known policies are ace-cpt, nasm-cpt/);
  });
});

describe('cycle dates', () => {
  it('when a cycle starts on 2024-03-15, then E is 2026-03-15, the late window ends 2026-06-13 and it lapses 2027-03-15', () => {
    expect(nasm).toEqual({
      start: '2024-03-15',
      expiration: '2026-03-15',
      lateWindowEnd: '2026-06-13',
      courseCutoff: '2026-06-13',
      lapseDate: '2027-03-15',
    });
    expect(nextCycleStart(nasm)).toBe('2026-03-16');
  });

  it('when a cycle is renewed, then the next one runs from E+1 day to E+2 years, with its own windows', () => {
    expect(nextCycleDates(nasm, NASM_CPT)).toEqual({
      start: '2026-03-16',
      expiration: '2028-03-15',
      lateWindowEnd: '2028-06-13',
      courseCutoff: '2028-06-13',
      lapseDate: '2029-03-15',
    });
    // A run that knows only its cycle number and start computes the same dates.
    expect(cycleDates('2026-03-16', NASM_CPT, 2)).toEqual(nextCycleDates(nasm, NASM_CPT));
  });

  it('when renewed cycle after cycle, then the dates never drift: E_n = E_1 + 2(n-1) years', () => {
    expect(nthCycleDates('2024-03-15', 3, NASM_CPT)).toMatchObject({
      start: '2028-03-16',
      expiration: '2030-03-15',
    });
    expect(nthCycleDates('2024-03-15', 1, NASM_CPT)).toEqual(nasm);
  });

  it('when certified on 29 February, then each renewal ends on 28 February two years after the previous E', () => {
    const first = cycleDates('2024-02-29', NASM_CPT);
    expect(first.expiration).toBe('2026-02-28');
    const second = nextCycleDates(first, NASM_CPT);
    expect(second).toMatchObject({ start: '2026-03-01', expiration: '2028-02-28' });
    expect(nextCycleDates(second, NASM_CPT)).toMatchObject({ start: '2028-02-29', expiration: '2030-02-28' });
  });

  it.each([
    ['2024-02-29', '2026-02-28', '2026-05-29', '2027-02-28'],
    ['2028-02-29', '2030-02-28', '2030-05-29', '2031-02-28'],
    ['2026-02-28', '2028-02-28', '2028-05-28', '2029-02-28'],
  ])(
    'when a cycle starts on %s, then E is %s, the late window ends %s and it lapses %s',
    (start, e, lateEnd, lapse) => {
      const dates = cycleDates(start, NASM_CPT);
      expect(dates.expiration).toBe(e);
      expect(dates.lateWindowEnd).toBe(lateEnd);
      expect(dates.lapseDate).toBe(lapse);
    },
  );

  it('when the policy is ACE, then the grace period is 6 months, there is no reinstatement and it lapses the day after', () => {
    const ace = cycleDates('2024-08-31', ACE_CPT);
    expect(ace).toEqual({
      start: '2024-08-31',
      expiration: '2026-08-31',
      lateWindowEnd: '2027-02-28',
      courseCutoff: '2027-02-28',
      lapseDate: '2027-03-01',
    });
    expect(windowOn(ace, '2026-08-31')).toBe('in_cycle');
    expect(windowOn(ace, '2026-09-01')).toBe('late');
    expect(windowOn(ace, '2027-02-28')).toBe('late');
    expect(windowOn(ace, '2027-03-01')).toBe('lapsed');
    expect(cycleDates('2024-02-29', ACE_CPT).expiration).toBe('2026-02-28');
    expect(cycleDates('2024-02-29', ACE_CPT).lapseDate).toBe('2026-08-29');
  });

  it('when the boundaries are computed, then they are the ends of E and of the late window, and the start of the lapse date', () => {
    expect(boundaries(nasm, NASM_CPT)).toEqual({
      expiresAt: Date.UTC(2026, 2, 16, 7),
      lateWindowClosesAt: Date.UTC(2026, 5, 14, 7),
      lapsesAt: Date.UTC(2027, 2, 15, 7),
    });
  });

  it('when ACE boundaries fall in Pacific daylight time, then they are at 07:00 UTC, and in standard time at 08:00 UTC', () => {
    const ace = cycleDates('2024-03-15', ACE_CPT);
    expect(boundaries(ace, ACE_CPT)).toEqual({
      expiresAt: Date.UTC(2026, 2, 16, 7),
      lateWindowClosesAt: Date.UTC(2026, 8, 16, 7),
      lapsesAt: Date.UTC(2026, 8, 16, 7),
    });
    const winter = cycleDates('2024-12-01', ACE_CPT);
    expect(boundaries(winter, ACE_CPT).expiresAt).toBe(Date.UTC(2026, 11, 2, 8));
  });
});

describe('windows and fees on every boundary (NASM, start 2024-03-15)', () => {
  it.each([
    ['2024-03-15', 'in_cycle', 9900, '2026-03-15'],
    ['2026-03-14', 'in_cycle', 9900, '2026-03-15'],
    ['2026-03-15', 'in_cycle', 9900, '2026-03-15'],
    ['2026-03-16', 'late', 12900, '2026-06-13'],
    ['2026-06-12', 'late', 12900, '2026-06-13'],
    ['2026-06-13', 'late', 12900, '2026-06-13'],
    ['2026-06-14', 'reinstatement', 17900, '2027-03-14'],
    ['2027-03-14', 'reinstatement', 17900, '2027-03-14'],
  ])(
    'when the day is %s, then the window is %s and the fee %p valid through %s',
    (day, window, total, through) => {
      expect(windowOn(nasm, day)).toBe(window);
      const quote = quoteFee(nasm, NASM_CPT, day);
      expect(quote).toMatchObject({ accepted: true, window, on: day, total, validThrough: through });
    },
  );

  it.each(['2027-03-15', '2027-03-16', '2030-01-01'])(
    'when the day is %s, then the credential is lapsed and no fee is quoted',
    (day) => {
      expect(windowOn(nasm, day)).toBe('lapsed');
      const quote = quoteFee(nasm, NASM_CPT, day);
      expect(quote).toEqual({
        accepted: false,
        window: 'lapsed',
        on: day,
        reason:
          'Applications closed on 2027-03-14; the credential lapsed on 2027-03-15. The holder must re-take the exam.',
      });
    },
  );

  it('when a quote is in the reinstatement window, then the additional fee is on top of the late fee', () => {
    const quote = quoteFee(nasm, NASM_CPT, '2026-06-14');
    expect(quote.accepted && quote.lines).toEqual([
      { code: 'renewal', label: 'Renewal fee', amount: 9900 },
      { code: 'late', label: 'Late fee', amount: 3000 },
      { code: 'reinstatement', label: 'Additional fee after the late window', amount: 5000 },
    ]);
  });

  it('when a quote is in the late window, then it has the renewal and late lines', () => {
    const quote = quoteFee(nasm, NASM_CPT, '2026-03-16');
    expect(quote.accepted && quote.lines.map((line) => line.code)).toEqual(['renewal', 'late']);
  });

  it('when ACE is quoted in its grace period, then it is renewal + late, and lapsed the day after', () => {
    const ace = cycleDates('2024-08-31', ACE_CPT);
    expect(quoteFee(ace, ACE_CPT, '2026-08-31')).toMatchObject({ total: 12900, validThrough: '2026-08-31' });
    expect(quoteFee(ace, ACE_CPT, '2027-02-28')).toMatchObject({
      window: 'late',
      total: 15900,
      validThrough: '2027-02-28',
    });
    expect(quoteFee(ace, ACE_CPT, '2027-03-01')).toMatchObject({
      accepted: false,
      reason:
        'Applications closed on 2027-02-28; the credential lapsed on 2027-03-01. The holder must re-take the exam.',
    });
  });

  it('when a petition is filed, then the fee is $25', () => {
    expect(petitionFee(NASM_CPT)).toEqual({
      code: 'petition',
      label: expect.stringContaining('Petition fee'),
      amount: 2500,
    });
  });
});

describe('describeWindow', () => {
  it.each([
    ['2026-03-15', 'Active — expires 2026-03-15, renewal fee $99'],
    ['2026-03-16', 'Expired 2026-03-15 — late window open until 2026-06-13, fee $129'],
    ['2026-06-14', 'Expired 2026-03-15 — reinstatement open until 2027-03-14, fee $179'],
    ['2027-03-15', 'Lapsed 2027-03-15 — exam must be re-taken'],
  ])('when the day is %s, then the summary reads %p', (day, text) => {
    expect(describeWindow(nasm, NASM_CPT, day)).toBe(text);
  });

  it('when a quote is passed, then its total is shown', () => {
    const quote = quoteFee(nasm, NASM_CPT, '2026-03-20');
    expect(describeWindow(nasm, NASM_CPT, '2026-03-20', quote)).toContain('fee $129');
  });
});
