import {
  ACE_CPT,
  NASM_CPT,
  ceuBalance,
  consumedByRenewal,
  cycleDates,
  nextCycleStart,
  type CeuBalanceInput,
} from '../../rules';
import { course, cpr, grant, validCpr } from './fixtures';

const dates = cycleDates('2024-03-15', NASM_CPT);

function balanceOf(input: Partial<CeuBalanceInput>) {
  return ceuBalance({
    dates,
    policy: NASM_CPT,
    asOf: '2026-03-01',
    completions: [],
    grants: [],
    cprAed: [validCpr],
    consumed: [],
    ...input,
  });
}

describe('ceuBalance', () => {
  it('when 1.90 course CEUs and a valid CPR/AED are in the cycle, then 2.00 are earned and nothing is short', () => {
    const balance = balanceOf({ completions: [course(100, '2024-03-15'), course(90, '2026-03-15')] });
    expect(balance).toMatchObject({
      required: 200,
      requiredFromCourses: 190,
      fromCourses: 190,
      fromCprAed: 10,
      earned: 200,
      shortfall: 0,
      cprAed: validCpr,
    });
  });

  it('when three valid CPR/AED certifications are reported, then CPR/AED counts 0.10 once, from the latest expiring', () => {
    const latest = cpr('cpr-c', '2025-06-01', '2027-06-01');
    const balance = balanceOf({
      completions: [course(190, '2025-01-01')],
      cprAed: [cpr('cpr-a', '2024-06-01', '2026-06-01'), latest, cpr('cpr-b', '2025-01-01', '2027-01-01')],
    });
    expect(balance.fromCprAed).toBe(10);
    expect(balance.earned).toBe(200);
    expect(balance.cprAed).toBe(latest);
  });

  it.each([
    ['expired before the day', cpr('x', '2023-01-01', '2026-02-28')],
    ['issued after the day', cpr('x', '2026-03-02', '2028-03-02')],
    ['not hands-on', cpr('x', '2025-01-01', '2027-01-01', false)],
  ])('when the only CPR/AED is %s, then it does not count and 0.10 is short', (_case, certification) => {
    const balance = balanceOf({ completions: [course(250, '2025-01-01')], cprAed: [certification] });
    expect(balance).toMatchObject({
      fromCprAed: 0,
      cprAed: null,
      fromCourses: 250,
      earned: 250,
      shortfall: 10,
    });
  });

  it('when CPR/AED expires on the day of the balance, then it still counts that day', () => {
    const balance = balanceOf({ cprAed: [cpr('x', '2024-03-01', '2026-03-01')] });
    expect(balance.fromCprAed).toBe(10);
  });

  it('when a course is not approved, then it is excluded as not_approved', () => {
    const unapproved = course(50, '2025-01-01', { approved: false });
    const balance = balanceOf({ completions: [course(100, '2025-01-01'), unapproved] });
    expect(balance.fromCourses).toBe(100);
    expect(balance.shortfall).toBe(90);
    expect(balance.excluded).toEqual([
      expect.objectContaining({ key: `acme:${unapproved.completionId}`, reason: 'not_approved' }),
    ]);
  });

  it('when a petition grant is dated in the cycle, then it counts by its completion date with key petition:<id>', () => {
    const balance = balanceOf({
      completions: [course(100, '2025-01-01')],
      grants: [grant('p1', 90, '2024-03-15'), grant('p2', 50, '2024-03-14')],
    });
    expect(balance.fromCourses).toBe(190);
    expect(balance.counted.map((c) => [c.key, c.source])).toEqual([
      ['petition:p1', 'petition'],
      [expect.stringMatching(/^acme:/), 'provider'],
    ]);
    expect(balance.excluded).toEqual([
      expect.objectContaining({ key: 'petition:p2', reason: 'before_cycle' }),
    ]);
  });

  it('when the same completion is reported twice, then it counts once', () => {
    const once = course(100, '2025-01-01');
    expect(balanceOf({ completions: [once, { ...once }] }).fromCourses).toBe(100);
  });

  it('when the balance is taken on time, then courses after E are not counted (after_cycle) and after the cutoff are excluded', () => {
    const afterE = course(100, '2026-03-16');
    const afterCutoff = course(100, '2026-06-14');
    const balance = balanceOf({
      asOf: '2026-03-15',
      completions: [course(100, '2025-01-01'), afterE, afterCutoff],
    });
    expect(balance.fromCourses).toBe(100);
    expect(balance.excluded.map((c) => c.reason)).toEqual(['after_cycle', 'after_course_cutoff']);
  });

  it('when a late balance needs post-E courses, then only those needed are counted, earliest first', () => {
    const first = course(50, '2026-03-20');
    const second = course(50, '2026-04-01');
    const unneeded = course(50, '2026-05-01');
    const atCutoff = course(50, '2026-06-13');
    const balance = balanceOf({
      asOf: '2026-06-13',
      completions: [atCutoff, unneeded, second, first, course(100, '2025-01-01')],
    });
    expect(balance.fromCourses).toBe(200);
    expect(balance.counted.map((c) => c.completedOn)).toEqual(['2025-01-01', '2026-03-20', '2026-04-01']);
    expect(balance.excluded.map((c) => [c.completedOn, c.reason])).toEqual([
      ['2026-05-01', 'after_cycle'],
      ['2026-06-13', 'after_cycle'],
    ]);
    expect(consumedByRenewal(balance, dates)).toEqual([
      `acme:${first.completionId}`,
      `acme:${second.completionId}`,
    ]);
  });

  it('when in-cycle courses already meet the requirement on a late balance, then no post-E course is used', () => {
    const balance = balanceOf({
      asOf: '2026-04-01',
      completions: [course(190, '2025-01-01'), course(50, '2026-03-20')],
    });
    expect(balance.counted).toHaveLength(1);
    expect(consumedByRenewal(balance, dates)).toEqual([]);
  });

  it('when the next cycle is balanced, then the courses consumed by the late renewal are excluded and the others count', () => {
    const consumedCourse = course(50, '2026-03-20');
    const leftover = course(50, '2026-05-01');
    const next = cycleDates(nextCycleStart(dates), NASM_CPT);
    const balance = ceuBalance({
      dates: next,
      policy: NASM_CPT,
      asOf: '2027-01-01',
      completions: [consumedCourse, leftover],
      grants: [],
      cprAed: [validCpr],
      consumed: [`acme:${consumedCourse.completionId}`],
    });
    expect(balance.counted.map((c) => c.key)).toEqual([`acme:${leftover.completionId}`]);
    expect(balance.excluded).toEqual([
      expect.objectContaining({ key: `acme:${consumedCourse.completionId}`, reason: 'consumed' }),
    ]);
  });

  it('when the policy is ACE, then CPR/AED is required but earns nothing, and courses must provide all 2.00', () => {
    const ace = cycleDates('2024-03-15', ACE_CPT);
    const balance = ceuBalance({
      dates: ace,
      policy: ACE_CPT,
      asOf: '2026-03-01',
      completions: [course(190, '2025-01-01')],
      grants: [],
      cprAed: [validCpr],
      consumed: [],
    });
    expect(balance).toMatchObject({
      requiredFromCourses: 200,
      fromCprAed: 0,
      earned: 190,
      shortfall: 10,
      cprAed: validCpr,
    });
  });

  it('when units are not whole hundredths, then the balance refuses them', () => {
    expect(() => balanceOf({ completions: [course(0.5, '2025-01-01')] })).toThrow(RangeError);
  });
});
