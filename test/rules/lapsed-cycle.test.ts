import { importRowSchema } from '../../import/validate';
import { addDays } from '../../rules/calendar';
import { cycleDates, lapsedCycle } from '../../rules/cycle';
import { NASM_CPT } from '../../rules/policies';

// One rule for "this credential has already lapsed": enrolment (API) and bulk import both refuse with it.

describe('lapsedCycle: a credential whose lapse date has come is not started', () => {
  const dates = cycleDates('2020-03-02', NASM_CPT);

  it('when today is the lapse date or later, then it names the cycle and its lapse date', () => {
    expect(lapsedCycle(1, dates, dates.lapseDate)).toBe(
      `cycle 1 (2020-03-02 to ${dates.expiration}) lapsed on ${dates.lapseDate}`,
    );
    expect(lapsedCycle(1, dates, '2026-11-27')).toContain(`lapsed on ${dates.lapseDate}`);
  });

  it('when today is the day before the lapse date (reinstatement window), then it is not lapsed', () => {
    const dayBefore = addDays(dates.lapseDate, -1);
    expect(lapsedCycle(1, dates, dayBefore)).toBeNull();
  });

  it('when an import row is of a lapsed cycle, then its problem carries the same words', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    const result = importRowSchema(now).safeParse({
      credentialNumber: 'CPT-OLD-1',
      certificationDate: '2020-03-02',
      holderName: 'Old Holder',
      holderEmail: 'old@example.com',
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => i.message) ?? [];
    expect(messages).toEqual([expect.stringContaining(lapsedCycle(1, dates, '2026-11-27') ?? 'unreachable')]);
  });
});
