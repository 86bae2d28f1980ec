import { z } from 'zod';
import {
  ActorField,
  CalendarDateField,
  CentsField,
  CourseUnits,
  ExternalId,
  ProviderId,
  ReceivedAtField,
  Text,
} from '../rules/fields';
import { PolicyVersionSchema } from '../rules/policy-schema';
import type { Policy, Rejection } from '../rules/types';
import type {
  DecideAudit,
  DecidePetition,
  FilePetition,
  ReportCeuCompletion,
  RecordingFailed,
  ReportCprAed,
  Revoke,
  SubmitApplication,
  SubmitAuditDocuments,
  UpgradeRequest,
} from './contract';

// Every signal and update payload, as the workflow parses it before using it: whoever sent it (the
// API, a backend talking to Temporal, ops in the Temporal UI), a message that fails here changes
// nothing. The pieces are the API's own (rules/fields.ts); `satisfies` ties each to the contract.

type Schema<T> = z.ZodType<T, unknown>;

export const ReportCeuCompletionMessage = z.strictObject({
  provider: ProviderId,
  completionId: ExternalId(),
  course: Text(300),
  units: CourseUnits,
  completedOn: CalendarDateField,
  approved: z.boolean({ error: 'send true or false' }),
  reportedBy: ActorField,
  receivedAt: ReceivedAtField,
}) satisfies Schema<ReportCeuCompletion>;

export const ReportCprAedMessage = z.strictObject({
  certificationId: ExternalId(),
  issuedOn: CalendarDateField,
  expiresOn: CalendarDateField,
  handsOn: z.boolean({ error: 'send true or false' }),
  reportedBy: ActorField,
  receivedAt: ReceivedAtField,
}) satisfies Schema<ReportCprAed>;

export const FilePetitionMessage = z.strictObject({
  course: Text(300),
  provider: ExternalId().nullable().optional(),
  requestedUnits: CourseUnits,
  completedOn: CalendarDateField,
  paymentReference: ExternalId(),
  amountPaid: CentsField,
  filedBy: ActorField,
  receivedAt: ReceivedAtField,
}) satisfies Schema<FilePetition>;

export const DecidePetitionMessage = z.strictObject({
  petitionId: ExternalId(100),
  decision: z.enum(['approved', 'denied'], { error: 'decision must be approved or denied' }),
  grantedUnits: CourseUnits.optional(),
  reason: Text(1000).optional(),
  decidedBy: ActorField,
  receivedAt: ReceivedAtField,
}) satisfies Schema<DecidePetition>;

export const SubmitApplicationMessage = z.strictObject({
  paymentReference: ExternalId(),
  amountPaid: CentsField,
  submittedBy: ActorField,
  receivedAt: ReceivedAtField,
}) satisfies Schema<SubmitApplication>;

export const SubmitAuditDocumentsMessage = z.strictObject({
  documents: z
    .array(z.strictObject({ reference: ExternalId(), description: Text(500) }), {
      error: 'send documents as a list of {"reference","description"}',
    })
    .min(1, 'send at least one document')
    .max(50, 'send at most 50 documents'),
  submittedBy: ActorField,
  receivedAt: ReceivedAtField,
}) satisfies Schema<SubmitAuditDocuments>;

export const DecideAuditMessage = z.strictObject({
  outcome: z.enum(['passed', 'failed'], { error: 'outcome must be passed or failed' }),
  reason: Text(1000),
  decidedBy: ActorField,
  receivedAt: ReceivedAtField,
}) satisfies Schema<DecideAudit>;

export const RevokeMessage = z.strictObject({
  reason: Text(1000),
  revokedBy: ActorField,
  receivedAt: ReceivedAtField,
}) satisfies Schema<Revoke>;

export const UpgradeMessage = z.strictObject({
  requestedBy: ActorField,
  reason: Text(500).optional(),
}) satisfies Schema<UpgradeRequest>;

export const RecordingFailedMessage = z.strictObject({
  batch: z.number().int().positive(),
}) satisfies Schema<RecordingFailed>;

export const PolicyVersionMessage: Schema<Policy> = PolicyVersionSchema;

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reasons: Rejection[] };

/** Parses a message; a refusal names each field and what to send instead, in one reason. */
export function parseMessage<T>(schema: Schema<T>, raw: unknown): Parsed<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  return {
    ok: false,
    reasons: [{ code: 'invalid_message', message: `The message is invalid: ${problems.join('; ')}.` }],
  };
}
