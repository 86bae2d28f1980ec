import { decideAudit } from '../../workflows/contract';
import { actorOf, defineRoute } from '../registry';
import { DecideAuditRequest } from '../schemas/commands';
import { CredentialParams } from '../schemas/credentials';
import { REJECTED, UPDATE_RESPONSES } from './responses';

export const decideAuditRoute = defineRoute({
  operationId: 'decideAudit',
  method: 'post',
  path: '/credentials/:number/audit/decision',
  tag: 'ops',
  summary: 'Pass or fail the audit under review (passing renews the credential).',
  description:
    'An update. An audit is decided once: a second decision is rejected (422) unless it repeats the same ' +
    'Idempotency-Key.',
  access: ['ops'],
  params: CredentialParams,
  body: DecideAuditRequest,
  idempotencyKey: true,
  responses: { 200: 'Decided: the audit.', ...UPDATE_RESPONSES, 422: REJECTED },
  async handler(ctx) {
    const actor = actorOf(ctx);
    const audit = await ctx.services.workflows.update(
      ctx.params.number,
      decideAudit,
      { ...ctx.body, decidedBy: actor, receivedAt: ctx.receivedAt },
      { actor, idempotencyKey: ctx.idempotencyKey },
    );
    return { status: 200, body: audit };
  },
});
