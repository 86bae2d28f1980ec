import { z } from 'zod';
import { formatCeu, parseCeu } from '../../rules/ceu-units';
import type { WorkflowStatus } from '../../db/types';
import type { AuditStateName, Phase } from '../../workflows/contract';
import { enumOf } from './common';
import { PolicyOut } from './policies';

// The answers of the API, as zod schemas. Each takes what a handler returns (the contract's units:
// CEUs in hundredths, money in cents under the contract's names) and gives what goes on the wire:
// CEUs as decimal strings ("1.50") and money as integer cents in fields named `…Cents`. The same
// schemas build the OpenAPI document (api/openapi.ts, their output side) and every answer
// (api/app.ts parses each body through the schema of its operation and status: api/responses.ts).

/** CEUs: hundredths inside (150), a decimal string with two decimals outside ("1.50"). */
export const CeuDecimal = z
  .codec(z.int(), z.string().regex(/^-?\d+\.\d{2}$/), {
    decode: (hundredths) => formatCeu(hundredths),
    encode: (text) => parseCeu(text),
  })
  .meta({ description: 'CEUs as a decimal string with two decimals, e.g. "1.50".', examples: ['1.50'] });

const CentsInt = z
  .int()
  .meta({ description: 'Amount in US cents (integer): 9900 is $99.00.', examples: [9900] });

const DateOut = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .meta({
    format: 'date',
    description: "A calendar date in the policy's time zone.",
    examples: ['2026-03-14'],
  });

const Instant = z.string().meta({ format: 'date-time', description: 'An instant, ISO 8601 (UTC).' });

/**
 * An object whose contract fields carry money under a name that does not say its unit
 * (`amount`, `total`, `amountPaid`): renamed to `…Cents` before the answer's shape is checked.
 */
function renamed<S extends z.ZodType>(renames: Readonly<Record<string, string>>, schema: S) {
  return z.preprocess((value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [renames[key] ?? key, inner]));
  }, schema);
}

const PHASES: Record<Phase, string> = {
  Active: '',
  ExpiredLate: '',
  ExpiredReinstatement: '',
  Lapsed: '',
  Revoked: '',
};
const PhaseOut = enumOf(PHASES);
/** A phase as reads answer it: `Unknown` when the workflow closed abnormally (terminated, failed). */
const PhaseOrUnknownOut = enumOf({ ...PHASES, Unknown: '' });
const WORKFLOW_STATUSES: Record<WorkflowStatus, string> = {
  running: '',
  completed: '',
  continued: '',
  terminated: '',
  failed: '',
  cancelled: '',
  timed_out: '',
};
const WorkflowStatusOut = enumOf(WORKFLOW_STATUSES).describe(
  "How the credential's workflow stands: running, or how it ended.",
);
const AUDIT_STATES: Record<AuditStateName, string> = {
  None: '',
  AwaitingDocuments: '',
  UnderReview: '',
  Passed: '',
  Failed: '',
};
const AuditStateOut = enumOf(AUDIT_STATES);

export const FeeLineOut = renamed(
  { amount: 'amountCents' },
  z.strictObject({
    code: z.enum(['renewal', 'late', 'reinstatement', 'petition']),
    label: z.string(),
    amountCents: CentsInt,
  }),
).meta({ title: 'FeeLine' });

const AcceptedQuoteShape = {
  accepted: z.literal(true),
  window: z.enum(['in_cycle', 'late', 'reinstatement']),
  on: DateOut,
  lines: z.array(FeeLineOut),
  totalCents: CentsInt,
  validThrough: DateOut.describe('Last day this exact amount applies.'),
};

/** The fee of an application received on `on`. */
export const AcceptedQuoteOut = renamed({ total: 'totalCents' }, z.strictObject(AcceptedQuoteShape)).meta({
  title: 'AcceptedFeeQuote',
});

export const FeeQuoteOut = renamed(
  { total: 'totalCents' },
  z.discriminatedUnion('accepted', [
    z.strictObject(AcceptedQuoteShape),
    z.strictObject({
      accepted: z.literal(false),
      window: z.literal('lapsed'),
      on: DateOut,
      reason: z.string(),
    }),
  ]),
).meta({ title: 'FeeQuote' });

const CycleDatesOut = z
  .strictObject({
    start: DateOut,
    expiration: DateOut,
    lateWindowEnd: DateOut,
    courseCutoff: DateOut,
    lapseDate: DateOut,
  })
  .meta({ title: 'CycleDates' });

const CeuCompletionOut = z
  .strictObject({
    provider: z.string(),
    completionId: z.string(),
    course: z.string(),
    units: CeuDecimal,
    completedOn: DateOut,
    approved: z.boolean(),
  })
  .meta({ title: 'CeuCompletion' });

const CprAedOut = z
  .strictObject({
    certificationId: z.string(),
    issuedOn: DateOut,
    expiresOn: DateOut,
    handsOn: z.boolean(),
  })
  .meta({ title: 'CprAedCertification' });

const CountedShape = {
  key: z.string(),
  course: z.string(),
  units: CeuDecimal,
  completedOn: DateOut,
  source: z.enum(['provider', 'petition']),
};

const CeuBalanceOut = z
  .strictObject({
    required: CeuDecimal,
    earned: CeuDecimal,
    fromCourses: CeuDecimal,
    fromCprAed: CeuDecimal,
    requiredFromCourses: CeuDecimal,
    shortfall: CeuDecimal,
    counted: z.array(z.strictObject(CountedShape)),
    excluded: z.array(
      z.strictObject({
        ...CountedShape,
        reason: z.enum(['not_approved', 'before_cycle', 'after_cycle', 'after_course_cutoff', 'consumed']),
      }),
    ),
    cprAed: CprAedOut.nullable(),
  })
  .meta({ title: 'CeuBalance' });

const PetitionShape = {
  petitionId: z.string(),
  course: z.string(),
  provider: z.string().nullable(),
  requestedUnits: CeuDecimal,
  completedOn: DateOut,
  fee: FeeLineOut,
  paymentReference: z.string(),
  filedOn: DateOut,
  status: z.enum(['pending', 'approved', 'denied']),
  grantedUnits: CeuDecimal.nullable(),
  reason: z.string().nullable(),
  decidedOn: DateOut.nullable(),
};
const PetitionOut = z.strictObject(PetitionShape).meta({ title: 'Petition' });

export const PetitionDecidedOut = z
  .strictObject({
    ...PetitionShape,
    note: z
      .string()
      .nullable()
      .optional()
      .describe('Approved, but its course lies in a cycle that has already renewed: the CEUs count nowhere.'),
  })
  .meta({ title: 'PetitionDecided' });

export const PetitionFiledOut = z
  .strictObject({ petitionId: z.string(), fee: FeeLineOut })
  .meta({ title: 'PetitionFiled' });

const ApplicationOut = renamed(
  { amountPaid: 'amountPaidCents' },
  z.strictObject({
    applicationId: z.string(),
    receivedOn: DateOut,
    paymentReference: z.string(),
    amountPaidCents: CentsInt,
    fee: AcceptedQuoteOut,
    status: z.enum(['pending', 'approved', 'denied']),
    auditSelected: z.boolean(),
    decidedOn: DateOut.nullable(),
    reason: z.string().nullable(),
  }),
).meta({ title: 'Application' });

export const ApplicationAcceptedOut = z
  .strictObject({
    applicationId: z.string(),
    receivedOn: DateOut,
    fee: AcceptedQuoteOut.describe('The fee due on the day received, which is what is charged.'),
    auditSelected: z.boolean(),
    auditDocumentsDueOn: DateOut.nullable().describe(
      'Set when selected: documents are due by the end of this day.',
    ),
  })
  .meta({ title: 'ApplicationAccepted' });

export const AuditOut = z
  .strictObject({
    auditId: z.string(),
    applicationId: z.string(),
    state: z.enum(['AwaitingDocuments', 'UnderReview', 'Passed', 'Failed']),
    selectedOn: DateOut,
    documentsDueOn: DateOut,
    documents: z.array(z.strictObject({ reference: z.string(), description: z.string() })),
    decidedOn: DateOut.nullable(),
    reason: z.string().nullable(),
  })
  .meta({ title: 'Audit' });

/** The workflow's view of a credential (getState query, or the revocation's final state). */
export const CredentialViewOut = z
  .strictObject({
    credentialNumber: z.string(),
    policyId: z.string(),
    policyVersion: z.int().optional().describe('Absent in views of first-release runs.'),
    certifiedOn: DateOut,
    cycle: z.int(),
    phase: PhaseOut,
    today: DateOut.describe("Today in the policy's time zone, by workflow time."),
    dates: CycleDatesOut,
    lastApplicationDay: DateOut,
    nextDeadline: z
      .strictObject({ what: z.string(), at: Instant })
      .nullable()
      .describe('The next instant the workflow acts on by itself; null when closed.'),
    ceus: CeuBalanceOut,
    requirementMet: z.boolean().optional(),
    completions: z.array(CeuCompletionOut),
    cprAed: z.array(CprAedOut),
    petitions: z.array(PetitionOut),
    application: ApplicationOut.nullable().describe('The pending application, else the last decided one.'),
    audit: AuditOut.nullable(),
    auditState: AuditStateOut,
    feeQuote: FeeQuoteOut.describe("Today's fee for an application."),
    summary: z.string(),
    remindersSent: z.array(z.string()),
  })
  .meta({ title: 'CredentialView' });

/** The state GET /credentials/:n answers: the view, or the last known one when the workflow closed abnormally. */
const CredentialStateOut = CredentialViewOut.extend({
  phase: PhaseOrUnknownOut.describe('`Unknown` when the workflow closed abnormally: see lastKnownPhase.'),
  lastKnownPhase: PhaseOut.optional().describe('Set when phase is `Unknown`: the last phase recorded.'),
}).meta({ title: 'CredentialState' });

export const CredentialSummaryOut = z
  .strictObject({
    number: z.string(),
    policyId: z.string(),
    certifiedOn: DateOut,
    cycle: z.int(),
    cycleStart: DateOut,
    expiresOn: DateOut,
    lateWindowEndsOn: DateOut,
    lapsesOn: DateOut,
    phase: PhaseOut,
    auditState: AuditStateOut,
    ceusEarned: CeuDecimal,
    updatedAt: Instant,
    workflowStatus: WorkflowStatusOut.optional(),
  })
  .meta({ title: 'CredentialSummary' });

/** A row of the credential list: its summary, with `Unknown` when the workflow closed abnormally. */
const CredentialListItemOut = CredentialSummaryOut.extend({
  phase: PhaseOrUnknownOut.describe('`Unknown` when the workflow closed abnormally: see lastKnownPhase.'),
  lastKnownPhase: PhaseOut.optional().describe('Set when phase is `Unknown`: the last phase recorded.'),
  statusText: z.string().optional().describe('Set when phase is `Unknown`: what to do (contact support).'),
}).meta({ title: 'CredentialListItem' });

const RecordsOut = z
  .strictObject({
    credential: CredentialSummaryOut,
    ceuRecords: z.array(
      z.strictObject({
        provider: z.string(),
        completionId: z.string(),
        course: z.string(),
        units: CeuDecimal,
        completedOn: DateOut,
        approved: z.boolean(),
        cycle: z.int(),
      }),
    ),
    cprAed: z.array(CprAedOut),
    petitions: z.array(
      z.strictObject({
        petitionId: z.string(),
        course: z.string(),
        status: z.string(),
        requestedUnits: CeuDecimal,
        grantedUnits: CeuDecimal.nullable(),
      }),
    ),
    applications: z.array(
      renamed(
        { amountPaid: 'amountPaidCents', feeTotal: 'feeTotalCents' },
        z.strictObject({
          applicationId: z.string(),
          receivedOn: DateOut,
          status: z.string(),
          amountPaidCents: CentsInt,
          feeTotalCents: CentsInt,
          paymentReference: z.string(),
          feeLines: z.array(FeeLineOut).optional(),
        }),
      ),
    ),
    audits: z.array(
      z.strictObject({
        auditId: z.string(),
        applicationId: z.string(),
        state: z.string(),
        documentsDueOn: DateOut,
        documents: z.array(z.strictObject({ reference: z.string(), description: z.string() })),
      }),
    ),
    ledger: z.array(
      renamed(
        { amount: 'amountCents' },
        z.strictObject({
          code: z.string(),
          amountCents: CentsInt,
          reference: z.string().describe('The charge\'s source: "petition:<id>" or "application:<id>".'),
          on: DateOut,
          label: z.string().optional(),
          paymentReference: z.string().optional(),
        }),
      ),
    ),
    remindersSent: z.array(z.strictObject({ key: z.string(), kind: z.string(), on: DateOut })),
  })
  .meta({ title: 'CredentialRecords' });

export const CredentialOut = z.strictObject({
  state: CredentialStateOut.describe("The workflow's view (from the run's snapshot, or its query)."),
  records: RecordsOut.nullable().describe(
    'The PostgreSQL projection; null until the first event is recorded.',
  ),
  holder: z.strictObject({ name: z.string(), email: z.string() }).nullable(),
  workflowStatus: WorkflowStatusOut,
  statusText: z
    .string()
    .nullable()
    .describe('Set when the workflow closed abnormally: its state is not vouched for (contact support).'),
});

export const EnrolmentOut = z.strictObject({
  credentialNumber: z.string(),
  workflowId: z.string(),
  created: z
    .boolean()
    .describe('true: started now (202); false: already enrolled with the same facts (200).'),
});

export const CredentialPageOut = z.strictObject({
  items: z.array(CredentialListItemOut),
  nextCursor: z.string().nullable().describe('Pass back as cursor for the next page; null on the last page.'),
});

// History events carry the event's own data (workflows/events.ts), in the contract's units: their
// CEU and money fields are converted by name, the same names the schemas above convert.
const CEU_KEYS = new Set([
  'units',
  'requestedUnits',
  'grantedUnits',
  'required',
  'earned',
  'fromCourses',
  'fromCprAed',
  'requiredFromCourses',
  'shortfall',
  'ceusEarned',
]);
const MONEY_KEYS: Readonly<Record<string, string>> = {
  amount: 'amountCents',
  total: 'totalCents',
  amountPaid: 'amountPaidCents',
  feeTotal: 'feeTotalCents',
};

/** Event data with CEUs as decimal strings and money under `…Cents` names, at any depth. */
export function outsideUnits(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(outsideUnits);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (CEU_KEYS.has(key) && Number.isSafeInteger(inner)) return [key, formatCeu(inner as number)];
      // Reminder facts name their unit (`ceusMissingHundredths`): outside, the unit is the decimal.
      if (key.endsWith('Hundredths') && Number.isSafeInteger(inner)) {
        return [key.slice(0, -'Hundredths'.length), formatCeu(inner as number)];
      }
      const money = MONEY_KEYS[key];
      if (money && typeof inner === 'number') return [money, inner];
      return [key, outsideUnits(inner)];
    }),
  );
}

export const HistoryOut = z.strictObject({
  credentialNumber: z.string(),
  events: z.array(
    z.strictObject({
      type: z.string(),
      actor: z.strictObject({
        kind: z.enum(['service', 'portal', 'ops', 'system']),
        id: z.string(),
        label: z.string().nullable().describe("The API key's label; null for the workflow itself."),
      }),
      reason: z.string().nullable(),
      data: z
        .unknown()
        .transform(outsideUnits)
        .describe('The event\'s facts: CEUs as decimal strings ("0.50"), money in `…Cents` fields.'),
      occurredAt: Instant,
      outcome: z.enum(['accepted', 'rejected']),
    }),
  ),
});

export const FeeQuoteAnswerOut = z.strictObject({
  credentialNumber: z.string(),
  cycle: z.int(),
  quote: FeeQuoteOut,
});

const ActorOut = z.strictObject({
  kind: z.enum(['service', 'portal', 'ops', 'system']),
  id: z.string().describe("The API key's id."),
});

const ReportOutcomeShape = {
  credentialNumber: z.string(),
  kind: z.enum(['ceu', 'cpr_aed']),
  source: z.string().describe('The provider; "cpr" for CPR/AED certifications.'),
  externalId: z.string().describe('The completion id or certification id.'),
  outcome: z.enum(['counted', 'not_counted', 'refused']),
  counts: z.boolean(),
  reasonCode: z.string().nullable().describe('Why it does not count (not_counted) or was refused.'),
  message: z.string().nullable(),
  reportedBy: ActorOut,
  seq: z.string().regex(/^\d+$/).describe("Bumped on every change: the feed's cursor (a decimal string)."),
  updatedAt: Instant,
};

/** What became of one report. */
export const ReportOutcomeOut = z.strictObject(ReportOutcomeShape).meta({ title: 'ReportOutcome' });

/** The answer to a report (a signal to the workflow): what is known when it arrives. */
export const ReportAcceptedOut = z
  .strictObject({
    credentialNumber: z.string(),
    accepted: z.literal(true),
    duplicate: z.boolean().describe('true: the same facts were already recorded; nothing changed.'),
    status: z.string().describe("Where the report's outcome is read (also the Location header)."),
    outcome: ReportOutcomeOut.nullable().describe(
      'A duplicate of a report your key sent: its recorded outcome; else null.',
    ),
  })
  .meta({ title: 'ReportAccepted' });

/** One report's outcome with the facts that stand. */
export const ReportOutcomeDetailOut = z
  .strictObject({
    ...ReportOutcomeShape,
    recorded: z
      .discriminatedUnion('kind', [
        CeuCompletionOut.extend({ kind: z.literal('ceu') }),
        CprAedOut.extend({ kind: z.literal('cpr_aed') }),
      ])
      .nullable()
      .describe('The facts that stand (the first report); null if the report was refused.'),
  })
  .meta({ title: 'ReportOutcomeDetail' });

export const ReportOutcomePageOut = z.strictObject({
  items: z.array(ReportOutcomeOut),
  cursor: z.string().regex(/^\d+$/).describe('Pass as `after` next time.'),
  more: z.boolean().describe('true: another page is ready now.'),
});

const PolicyVersionsOut = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    current: PolicyOut.describe("The version in force today (in the policy's time zone)."),
    versions: z.array(PolicyOut),
  })
  .meta({ title: 'PolicyVersions' });

export const PolicyListOut = z.strictObject({ policies: z.array(PolicyVersionsOut) });

export const PolicyVersionAddedOut = z.strictObject({
  policy: PolicyOut,
  fanOut: z
    .strictObject({
      signalled: z.int().describe('Running credentials of the policy signalled.'),
      failed: z.int().describe('Credentials that closed or could not be reached in between.'),
    })
    .describe('The running credentials that got the version by signal.'),
});

export const VerificationOut = z.strictObject({
  credentialNumber: z.string(),
  certification: z.string(),
  status: z
    .enum(['active', 'expired', 'lapsed', 'revoked', 'unknown'])
    .describe("unknown: the credential's workflow closed abnormally (contact support)."),
  statusText: z.string(),
  validFrom: DateOut,
  expiresOn: DateOut,
  renewableUntil: DateOut.nullable().describe('Set while expired and still renewable.'),
});

export const ImportSummaryOut = z.strictObject({
  format: z.enum(['csv', 'ndjson']),
  rows: z.int().describe('Rows in the file (header and blank lines excluded).'),
  started: z.int(),
  alreadyEnrolled: z.int(),
  invalid: z.int(),
  conflicts: z.int(),
  failed: z.int(),
  elapsedMs: z.number(),
  rowsPerSecond: z.number(),
  problems: z.array(
    z.strictObject({
      line: z.int(),
      credentialNumber: z.string().nullable(),
      outcome: z.enum(['invalid', 'conflict', 'failed']),
      issues: z.array(z.strictObject({ field: z.string().optional(), message: z.string() })),
    }),
  ),
});

export const HealthOut = z.strictObject({ status: z.literal('ok') });

export const ReadinessOut = z.strictObject({
  status: z.enum(['ready', 'unavailable']),
  checks: z.strictObject({
    database: z.enum(['ok', 'unavailable']),
    temporal: z.enum(['ok', 'unavailable']),
  }),
});

export const OpenApiDocumentOut = z
  .looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })
  .describe('An OpenAPI 3.1 document.');

export const HtmlPage = z.string().describe('An HTML page.');

// What clients receive (the output side), for typed reads in tests and clients.
export type CredentialAnswer = z.output<typeof CredentialOut>;
export type CredentialViewAnswer = z.output<typeof CredentialViewOut>;
export type FeeQuoteAnswer = z.output<typeof FeeQuoteAnswerOut>;
export type HistoryAnswer = z.output<typeof HistoryOut>;
export type ApplicationAcceptedAnswer = z.output<typeof ApplicationAcceptedOut>;
export type AuditAnswer = z.output<typeof AuditOut>;
export type PetitionFiledAnswer = z.output<typeof PetitionFiledOut>;
export type PetitionDecidedAnswer = z.output<typeof PetitionDecidedOut>;
export type CredentialPageAnswer = z.output<typeof CredentialPageOut>;
