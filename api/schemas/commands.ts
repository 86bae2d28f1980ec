import { z } from 'zod';
import { isCalendarDate } from '../../rules/calendar';
import { cprAedDateProblems } from '../../rules/reports';
import type {
  AuditDocument,
  DecideAudit,
  DecidePetition,
  ReportCeuCompletion,
  ReportCprAed,
  Revoke,
} from '../../workflows/contract';
import { CalendarDateString, CeuUnits, Cents, ExternalId, Text } from './common';

// Commands to a credential's workflow. Each schema parses into the contract's type minus the actor
// (added by the route from the API key): `satisfies` makes a contract change break compilation.

type Schema<T> = z.ZodType<T, unknown>;

export const ReportCeuCompletionRequest = z.strictObject({
  provider: ExternalId.describe('The approved provider (or the course source) reporting the completion.'),
  completionId: ExternalId.describe("The provider's id of this completion: a repeat is ignored."),
  course: Text(300),
  units: CeuUnits,
  completedOn: CalendarDateString,
  approved: z.boolean().describe('Whether the provider/course is pre-approved by the certifying body.'),
}) satisfies Schema<Omit<ReportCeuCompletion, 'reportedBy'>>;

export const ReportCprAedRequest = z
  .strictObject({
    certificationId: ExternalId.describe('Id of the CPR/AED certification: a repeat is ignored.'),
    issuedOn: CalendarDateString,
    expiresOn: CalendarDateString,
    handsOn: z.boolean().describe('Hands-on skills assessment (required by NASM).'),
  })
  // The workflow's own rule (rules/reports.ts): a 400 here rather than a refusal after a 202.
  .superRefine((c, ctx) => {
    // Runs even when a date failed its own check (already reported): compare real dates only.
    if (!isCalendarDate(c.issuedOn) || !isCalendarDate(c.expiresOn)) return;
    for (const problem of cprAedDateProblems(c)) {
      ctx.addIssue({ code: 'custom', path: ['expiresOn'], message: problem.message });
    }
  }) satisfies Schema<Omit<ReportCprAed, 'reportedBy'>>;

/** amountPaidCents maps to the contract's `amountPaid` (cents). */
export const FilePetitionRequest = z.strictObject({
  course: Text(300),
  provider: ExternalId.nullable().optional(),
  requestedUnits: CeuUnits,
  completedOn: CalendarDateString,
  paymentReference: ExternalId,
  amountPaidCents: Cents,
});

export const DecidePetitionRequest = z.strictObject({
  decision: z.enum(['approved', 'denied']),
  grantedUnits: CeuUnits.optional().describe('Approved: up to the requested CEUs (default all).'),
  reason: Text(1000).optional().describe('Required when denied.'),
}) satisfies Schema<Omit<DecidePetition, 'petitionId' | 'decidedBy'>>;

/** amountPaidCents maps to the contract's `amountPaid` (cents). */
export const SubmitApplicationRequest = z.strictObject({
  paymentReference: ExternalId,
  amountPaidCents: Cents,
});

const AuditDocumentSchema = z.strictObject({
  reference: ExternalId.describe('Where the document is stored (never the file body).'),
  description: Text(500),
}) satisfies Schema<AuditDocument>;

export const SubmitAuditDocumentsRequest = z.strictObject({
  documents: z
    .array(AuditDocumentSchema)
    .min(1, 'send at least one document')
    .max(50, 'send at most 50 documents'),
});

export const DecideAuditRequest = z.strictObject({
  outcome: z.enum(['passed', 'failed']),
  reason: Text(1000),
}) satisfies Schema<Omit<DecideAudit, 'decidedBy'>>;

export const RevokeRequest = z.strictObject({
  reason: Text(1000),
}) satisfies Schema<Omit<Revoke, 'revokedBy'>>;
