import { submitAuditDocuments } from '../../workflows/contract';
import { actorOf, defineRoute } from '../registry';
import { SubmitAuditDocumentsRequest } from '../schemas/commands';
import { CredentialParams } from '../schemas/credentials';
import { REJECTED, UPDATE_RESPONSES } from './responses';

export const submitAuditDocumentsRoute = defineRoute({
  operationId: 'submitAuditDocuments',
  method: 'post',
  path: '/credentials/:number/audit/documents',
  tag: 'commands',
  summary: 'Submit the documents an audit asks for (references, never file bodies).',
  description: 'An update. Idempotent with an Idempotency-Key (a repeat returns the first answer).',
  access: ['portal'],
  params: CredentialParams,
  body: SubmitAuditDocumentsRequest,
  idempotencyKey: true,
  responses: { 200: 'Submitted: the audit, now under review.', ...UPDATE_RESPONSES, 422: REJECTED },
  async handler(ctx) {
    const actor = actorOf(ctx);
    const audit = await ctx.services.workflows.update(
      ctx.params.number,
      submitAuditDocuments,
      { documents: ctx.body.documents, submittedBy: actor, receivedAt: ctx.receivedAt },
      { actor, idempotencyKey: ctx.idempotencyKey },
    );
    return { status: 200, body: audit };
  },
});
