import { type FilePetition, filePetition } from '../../workflows/contract';
import { actorOf, defineRoute } from '../registry';
import { FilePetitionRequest } from '../schemas/commands';
import { CredentialParams } from '../schemas/credentials';
import { REJECTED, UPDATE_RESPONSES } from './responses';

export const filePetitionRoute = defineRoute({
  operationId: 'filePetition',
  method: 'post',
  path: '/credentials/:number/petitions',
  tag: 'commands',
  summary: 'Petition a course that is not pre-approved (fee charged when filed).',
  description:
    'An update of the workflow. Send an Idempotency-Key header to make a retry safe: a repeat with the ' +
    'same key returns the first answer instead of filing a second petition.',
  access: ['portal'],
  params: CredentialParams,
  body: FilePetitionRequest,
  idempotencyKey: true,
  responses: { 201: 'Filed: { petitionId, fee }.', ...UPDATE_RESPONSES, 422: REJECTED },
  async handler(ctx) {
    const { amountPaidCents, provider, ...rest } = ctx.body;
    const actor = actorOf(ctx);
    const command: FilePetition = {
      ...rest,
      provider: provider ?? null,
      amountPaid: amountPaidCents,
      filedBy: actor,
      receivedAt: ctx.receivedAt,
    };
    const filed = await ctx.services.workflows.update(ctx.params.number, filePetition, command, {
      actor,
      idempotencyKey: ctx.idempotencyKey,
    });
    return {
      status: 201,
      headers: { Location: `/credentials/${ctx.params.number}/petitions/${filed.petitionId}` },
      body: filed,
    };
  },
});
