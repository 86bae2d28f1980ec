import { revoke } from '../../workflows/contract';
import { actorOf, defineRoute } from '../registry';
import { RevokeRequest } from '../schemas/commands';
import { CredentialParams } from '../schemas/credentials';
import { REJECTED, UPDATE_RESPONSES } from './responses';

export const revokeCredentialRoute = defineRoute({
  operationId: 'revokeCredential',
  method: 'post',
  path: '/credentials/:number/revocation',
  tag: 'ops',
  summary: 'Revoke the credential (final: its workflow closes).',
  description:
    'An update. Once revoked the workflow has closed, so a new revocation answers 409 closed; a repeat with ' +
    'the same Idempotency-Key returns the first answer (kept 30 days).',
  access: ['ops'],
  params: CredentialParams,
  body: RevokeRequest,
  idempotencyKey: true,
  responses: { 200: 'Revoked: the final state.', ...UPDATE_RESPONSES, 422: REJECTED },
  async handler(ctx) {
    const actor = actorOf(ctx);
    const view = await ctx.services.workflows.update(
      ctx.params.number,
      revoke,
      { reason: ctx.body.reason, revokedBy: actor, receivedAt: ctx.receivedAt },
      { actor, idempotencyKey: ctx.idempotencyKey },
    );
    return { status: 200, body: view };
  },
});
