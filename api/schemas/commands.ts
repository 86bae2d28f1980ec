import { z } from 'zod';
import type {
  AuditDocument,
  DecideAudit,
  DecidePetition,
  ReportCeuCompletion,
  ReportCprAed,
  Revoke,
} from '../../workflows/contract';
import {
  CalendarDateField,
  CourseUnits,
  ExternalId as ExternalIdField,
  ProviderId,
  Text as TextField,
} from '../../rules/fields';
import { CalendarDateString, CeuUnits, Cents, ExternalId, Text } from './common';

// Commands to a credential's workflow. Each schema parses into the contract's type minus the actor
// (added by the route from the API key): `satisfies` makes a contract change break compilation.

type Schema<T> = z.ZodType<T, unknown>;

// Reports use the workflow's own field rules (rules/fields.ts): what the API accepts, the workflow
// accepts, so a report that passes here is never refused there for its shape. Only the units differ in
// form: the API takes CEUs as "0.50", the contract whole hundredths, in the same range.
const ReportedUnits = CeuUnits.pipe(CourseUnits).meta({
  description: 'CEUs with at most two decimals, from "0.01" to "99.99" (or a number such as 0.5).',
  examples: ['0.50'],
});

export const ReportCeuCompletionRequest = z.strictObject({
  provider: ProviderId.describe('The approved provider (or the course source) reporting the completion.'),
  completionId: ExternalIdField().describe(
    "The provider's id of this completion: a repeat with the same facts is a duplicate; with other facts, a conflict (409).",
  ),
  course: TextField(300),
  units: ReportedUnits,
  completedOn: CalendarDateField.describe(
    "The day the course was completed: not after today in the credential's policy time zone.",
  ),
  approved: z
    .boolean({ error: 'send true or false' })
    .describe('Whether the provider/course is pre-approved by the certifying body.'),
}) satisfies Schema<Omit<ReportCeuCompletion, 'reportedBy'>>;

export const ReportCprAedRequest = z.strictObject({
  certificationId: ExternalIdField().describe(
    'Id of the CPR/AED certification: a repeat with the same facts is a duplicate; with other facts, a conflict (409).',
  ),
  issuedOn: CalendarDateField.describe("Not after today in the credential's policy time zone."),
  expiresOn: CalendarDateField.describe('Not before issuedOn.'),
  handsOn: z
    .boolean({ error: 'send true or false' })
    .describe('Hands-on skills assessment (required by NASM).'),
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
