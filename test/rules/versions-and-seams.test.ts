import {
  completionKey,
  effectivePolicy,
  lateCoursesToCount,
  MAX_RECEIPT_AGE_MS,
  policyInForce,
  receiptInstant,
  versionsFrom,
  withVersion,
  type CountedCourse,
  type Policy,
} from '../../rules';
import { ActorField, CalendarDateField, ExternalId, ProviderId, Text } from '../../rules/fields';
import { ACE_CPT, NASM_CPT } from '../../rules/policies';
import { PolicyVersionSchema } from '../../rules/policy-schema';

const course = (key: string, units: number, completedOn: string): CountedCourse => ({
  key,
  course: key,
  units,
  completedOn,
  source: 'provider',
});

describe('late courses: the smallest covering set, ties to the earliest', () => {
  const a = course('a', 50, '2027-01-02');
  const b = course('b', 10, '2027-01-03');
  const c = course('c', 30, '2027-01-04');
  const d = course('d', 20, '2027-01-05');

  it('when 0.10 is missing, then the 0.10 course is used, not the earlier 0.50 one', () => {
    expect(lateCoursesToCount([a, b, c, d], 10)).toEqual([b]);
  });

  it('when 0.30 is missing and 0.30 and 0.10+0.20 both cover it exactly, then the set with the earliest course wins', () => {
    expect(lateCoursesToCount([a, b, c, d], 30)).toEqual([b, d]);
  });

  it('when no set covers exactly, then the smallest total above the need is used', () => {
    expect(lateCoursesToCount([a, c], 35)).toEqual([a]);
  });

  it('when even all of them fall short, then all count; when nothing is missing, none', () => {
    expect(lateCoursesToCount([b, d], 100)).toEqual([b, d]);
    expect(lateCoursesToCount([a, b], 0)).toEqual([]);
  });
});

describe('completion keys', () => {
  it("when a provider or an id contains a colon, then different completions keep different keys, and plain ones keep the first release's key", () => {
    expect(completionKey({ provider: 'acme:2026', completionId: 'A-1' })).not.toBe(
      completionKey({ provider: 'acme', completionId: '2026:A-1' }),
    );
    expect(completionKey({ provider: 'acme-ce', completionId: 'A-1' })).toBe('acme-ce:A-1');
  });
});

describe('receipt stamps', () => {
  const now = Date.UTC(2027, 0, 1, 7, 0, 5);

  it('when the stamp is within the last hour, then it is the receipt; from the future it is now; older than an hour it is an hour ago', () => {
    expect(receiptInstant(new Date(now - 15_000).toISOString(), now)).toBe(now - 15_000);
    expect(receiptInstant(new Date(now + 5_000).toISOString(), now)).toBe(now);
    expect(receiptInstant(new Date(now - 5 * MAX_RECEIPT_AGE_MS).toISOString(), now)).toBe(
      now - MAX_RECEIPT_AGE_MS,
    );
    expect(receiptInstant(undefined, now)).toBe(now);
  });
});

describe('policy versions', () => {
  const v2: Policy = {
    ...NASM_CPT,
    version: 2,
    effectiveFrom: '2027-03-01',
    fees: { ...NASM_CPT.fees, renewal: 10_900 },
  };
  const v3: Policy = { ...NASM_CPT, version: 3, effectiveFrom: '2028-01-01', requiredCeus: 300 };
  const versions = withVersion(withVersion([NASM_CPT], v3), v2);

  it('when a day is before, on and after an effective date, then the version in force is the latest effective by then', () => {
    expect(policyInForce(versions, '2027-02-28').version).toBe(1);
    expect(policyInForce(versions, '2027-03-01').version).toBe(2);
    expect(policyInForce(versions, '2029-01-01').version).toBe(3);
  });

  it('when a cycle pinned to version 1 is quoted after version 2 takes effect, then fees follow version 2 and the requirement stays', () => {
    const rules = effectivePolicy(NASM_CPT, versions, '2027-03-01');
    expect(rules.fees.renewal).toBe(10_900);
    expect(rules.requiredCeus).toBe(200);
    expect(effectivePolicy(NASM_CPT, versions, '2028-02-01').requiredCeus).toBe(200);
  });

  it('when a run carries versions on, then only the one in force and later ones travel', () => {
    expect(versionsFrom(versions, '2027-06-01').map((v) => v.version)).toEqual([2, 3]);
  });

  it('when the seeds are checked against the schema, then they are valid versions; a version with an unknown zone or more CPR/AED units than required is not', () => {
    expect(PolicyVersionSchema.safeParse(NASM_CPT).success).toBe(true);
    expect(PolicyVersionSchema.safeParse(ACE_CPT).success).toBe(true);
    expect(PolicyVersionSchema.safeParse({ ...NASM_CPT, timeZone: 'Mars/Olympus' }).success).toBe(false);
    expect(
      PolicyVersionSchema.safeParse({ ...NASM_CPT, cprAed: { units: 300, handsOnRequired: true } }).success,
    ).toBe(false);
  });
});

describe('fields every message is built from', () => {
  it('when text holds half an emoji or a control character, then it is refused with what is wrong', () => {
    expect(Text(50).safeParse('Half \ud83d emoji').error?.issues[0]?.message).toMatch(/well-formed Unicode/);
    expect(Text(50).safeParse('A whole 🙂 emoji').success).toBe(true);
    expect(ExternalId().safeParse('id\u0000').error?.issues[0]?.message).toMatch(/control characters/);
  });

  it('when a date is far past, year 0 or not a real day, then it is refused', () => {
    expect(CalendarDateField.safeParse('0000-01-01').success).toBe(false);
    expect(CalendarDateField.safeParse('1899-12-31').success).toBe(false);
    expect(CalendarDateField.safeParse('2026-02-30').success).toBe(false);
    expect(CalendarDateField.safeParse('2026-02-28').success).toBe(true);
  });

  it('when an actor is the workflow itself or has no id, then it is refused; a provider may not use a reserved name', () => {
    expect(ActorField.safeParse({ kind: 'system', id: 'x' }).success).toBe(false);
    expect(ActorField.safeParse({ kind: 'ops', id: '' }).success).toBe(false);
    expect(ActorField.safeParse({ kind: 'ops', id: 'ops-key-1' }).success).toBe(true);
    expect(ProviderId.safeParse('petition').success).toBe(false);
  });
});
