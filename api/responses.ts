import { z } from 'zod';
import type { Route } from './registry';
import { ErrorBody } from './schemas/errors';
import {
  ApplicationAcceptedOut,
  AuditOut,
  CredentialOut,
  CredentialPageOut,
  CredentialViewOut,
  EnrolmentOut,
  FeeQuoteAnswerOut,
  HealthOut,
  HistoryOut,
  HtmlPage,
  ImportSummaryOut,
  OpenApiDocumentOut,
  PetitionDecidedOut,
  PetitionFiledOut,
  PolicyListOut,
  PolicyVersionAddedOut,
  ReadinessOut,
  ReportAcceptedOut,
  ReportOutcomeDetailOut,
  ReportOutcomePageOut,
  VerificationOut,
} from './schemas/responses';

// The schema of every answer, by operationId and status: what api/app.ts builds each answer with,
// and what api/openapi.ts documents. Error statuses answer ErrorBody unless an operation says
// otherwise (readiness answers 503 with its checks). A route that lists a success status without
// a schema here is caught by test/unit/response-schemas.test.ts.

export type ResponseSchemas = Readonly<Record<number, z.ZodType>>;

export const RESPONSE_SCHEMAS: Readonly<Record<string, ResponseSchemas>> = {
  enrolCredential: { 202: EnrolmentOut, 200: EnrolmentOut },
  listCredentials: { 200: CredentialPageOut },
  getCredential: { 200: CredentialOut },
  getCredentialHistory: { 200: HistoryOut },
  quoteFee: { 200: FeeQuoteAnswerOut },
  reportCeuCompletion: { 202: ReportAcceptedOut },
  reportCprAed: { 202: ReportAcceptedOut },
  listReportOutcomes: { 200: ReportOutcomePageOut },
  getCeuCompletionOutcome: { 200: ReportOutcomeDetailOut },
  getCprAedOutcome: { 200: ReportOutcomeDetailOut },
  filePetition: { 201: PetitionFiledOut },
  decidePetition: { 200: PetitionDecidedOut },
  submitApplication: { 201: ApplicationAcceptedOut },
  submitAuditDocuments: { 200: AuditOut },
  decideAudit: { 200: AuditOut },
  revokeCredential: { 200: CredentialViewOut },
  verifyCredential: { 200: VerificationOut },
  importCredentials: { 200: ImportSummaryOut },
  listPolicies: { 200: PolicyListOut },
  addPolicyVersion: { 201: PolicyVersionAddedOut },
  health: { 200: HealthOut },
  ready: { 200: ReadinessOut, 503: ReadinessOut },
  openApiDocument: { 200: OpenApiDocumentOut },
  docs: { 200: HtmlPage },
};

/** The schema of an operation's answer with this status: its own, else ErrorBody for errors. */
export function responseSchema(operationId: string, status: number): z.ZodType | undefined {
  const own = RESPONSE_SCHEMAS[operationId]?.[status];
  if (own) return own;
  return status >= 400 ? ErrorBody : undefined;
}

/** Statuses a route lists (its `responses`) that have no schema: must be none. */
export function missingResponseSchemas(route: Route): number[] {
  return Object.keys(route.responses)
    .map(Number)
    .filter((status) => responseSchema(route.operationId, status) === undefined);
}

export class UndocumentedAnswerError extends Error {
  constructor(operationId: string, status: number, detail: string) {
    super(`The ${operationId} answer with status ${status} does not match its response schema: ${detail}`);
    this.name = 'UndocumentedAnswerError';
  }
}

/**
 * The answer as it goes on the wire: parsed by its schema, which converts the contract's units
 * (CEU hundredths, money under unit-less names) and refuses anything undocumented (500). A status
 * with no schema at all passes unchanged: the response-schema test fails until it has one.
 */
export function encodeAnswer(operationId: string, status: number, body: unknown): unknown {
  const schema = responseSchema(operationId, status);
  if (!schema) return body;
  const result = schema.safeParse(body);
  if (!result.success) throw new UndocumentedAnswerError(operationId, status, z.prettifyError(result.error));
  return result.data;
}
