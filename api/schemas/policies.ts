import { z } from 'zod';
import { formatCeu } from '../../rules/ceu-units';
import { PolicyIdField, PolicyVersionSchema } from '../../rules/policy-schema';
import type { Policy } from '../../rules/types';
import { Cents, ceuHundredths } from './common';

// Policy versions (issue 10): one schema for a version, shared with the workflow and the seeds
// (rules/policy-schema.ts, the internal units: CEUs in hundredths, fees in cents under `renewal`, ...).
// Outside the service a version speaks the API's units (issue 12): CEUs as decimal strings ("2.00")
// and money in fields named `…Cents`. Two codecs, one per direction: a request is decoded into the
// internal Policy (then validated by PolicyVersionSchema), an answer's internal Policy is encoded out.

export const PolicyParams = z.strictObject({ policyId: PolicyIdField });

/** The internal fees → the outside ones. */
const FEE_NAMES = {
  renewal: 'renewalCents',
  late: 'lateCents',
  reinstatement: 'reinstatementCents',
  petition: 'petitionCents',
} as const;

// Spread then overridden: the overridden fields keep their place, so a version reads in one order.
const SAME = PolicyVersionSchema.shape;

/** CEUs of a policy as a request takes them: "2.00" or 2, into hundredths. */
function policyCeus(min: number, max: number) {
  return ceuHundredths('2.00').pipe(
    z
      .int()
      .min(min, min > 0 ? 'must be more than 0 CEUs' : 'must not be negative')
      .max(max, `must be at most ${formatCeu(max)} CEUs`),
  );
}

const RequiredCeusIn = policyCeus(1, 100_000).meta({
  description: 'Total CEUs required in a cycle (CPR/AED included), e.g. "2.00".',
  examples: ['2.00'],
});
const CprAedUnitsIn = policyCeus(0, 10_000).meta({
  description: 'CEUs a current CPR/AED certification counts, once per cycle, e.g. "0.10".',
  examples: ['0.10'],
});

const FeesIn = z.strictObject({
  renewalCents: Cents,
  lateCents: Cents,
  reinstatementCents: Cents,
  petitionCents: Cents,
});

/** A version as a client sends it (the outside units). */
const PolicyVersionIn = z
  .strictObject({
    ...SAME,
    requiredCeus: RequiredCeusIn,
    cprAed: z.strictObject({ units: CprAedUnitsIn, handsOnRequired: z.boolean() }).nullable(),
    fees: FeesIn,
  })
  .superRefine((p, ctx) => {
    const cprUnits = p.cprAed?.units ?? 0;
    if (cprUnits > p.requiredCeus) {
      ctx.addIssue({
        code: 'custom',
        path: ['cprAed', 'units'],
        message: `must not exceed requiredCeus (${formatCeu(p.requiredCeus)})`,
      });
    }
  });

type PolicyVersionInput = z.output<typeof PolicyVersionIn>;

const CeuText = z
  .string()
  .regex(/^\d+\.\d{2}$/)
  .meta({ description: 'CEUs as a decimal string with two decimals, e.g. "2.00".', examples: ['2.00'] });
const CentsOut = z
  .int()
  .meta({ description: 'Amount in US cents (integer): 9900 is $99.00.', examples: [9900] });

/** A version as the API answers it (the outside units). */
const PolicyVersionOutside = z.strictObject({
  ...SAME,
  requiredCeus: CeuText,
  cprAed: z.strictObject({ units: CeuText, handsOnRequired: z.boolean() }).nullable(),
  fees: z.strictObject({
    renewalCents: CentsOut,
    lateCents: CentsOut,
    reinstatementCents: CentsOut,
    petitionCents: CentsOut,
  }),
});

type PolicyVersionOutsideValue = z.output<typeof PolicyVersionOutside>;

function toInternal(outside: PolicyVersionInput): Policy {
  const { fees, ...rest } = outside;
  return {
    ...rest,
    fees: {
      renewal: fees.renewalCents,
      late: fees.lateCents,
      reinstatement: fees.reinstatementCents,
      petition: fees.petitionCents,
    },
  };
}

export function policyOutside(policy: Policy): PolicyVersionOutsideValue {
  const { requiredCeus, cprAed, fees, ...rest } = policy;
  return {
    ...rest,
    cycleLength: { ...rest.cycleLength },
    lateWindow: { ...rest.lateWindow },
    lapseAfter: { ...rest.lapseAfter },
    lateCourseGrace: { ...rest.lateCourseGrace },
    reminders: {
      ...rest.reminders,
      daysBeforeExpiry: [...rest.reminders.daysBeforeExpiry],
      daysBeforeLateWindowCloses: [...rest.reminders.daysBeforeLateWindowCloses],
      daysBeforeLapse: [...rest.reminders.daysBeforeLapse],
      daysBeforeAuditDeadline: [...rest.reminders.daysBeforeAuditDeadline],
      channels: [...rest.reminders.channels],
    },
    requiredCeus: formatCeu(requiredCeus),
    cprAed: cprAed ? { units: formatCeu(cprAed.units), handsOnRequired: cprAed.handsOnRequired } : null,
    fees: Object.fromEntries(
      Object.entries(FEE_NAMES).map(([inside, outside]) => [outside, fees[inside as keyof typeof FEE_NAMES]]),
    ) as PolicyVersionOutsideValue['fees'],
  };
}

/** Request: the outside version → the internal Policy, checked by the one schema of a version. */
export const AddPolicyVersionRequest = PolicyVersionIn.transform(toInternal).pipe(PolicyVersionSchema);

/** Answer: the internal Policy (checked by the one schema) → the outside version. */
export const PolicyOut = z
  .codec(PolicyVersionSchema, PolicyVersionOutside, {
    decode: (policy) => policyOutside(policy),
    // The outside version back to the internal one: the request's own decoding.
    encode: (outside) => AddPolicyVersionRequest.parse(outside),
  })
  .meta({ title: 'PolicyVersion' });

/** What a client receives for a version. */
export type PolicyVersionAnswer = z.output<typeof PolicyOut>;
