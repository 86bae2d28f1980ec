import { decidePetition } from '../../workflows/contract';
import { actorOf, defineRoute } from '../registry';
import { DecidePetitionRequest } from '../schemas/commands';
import { PetitionParams } from '../schemas/credentials';
import { REJECTED, UPDATE_RESPONSES } from './responses';

export const decidePetitionRoute = defineRoute({
  operationId: 'decidePetition',
  method: 'post',
  path: '/credentials/:number/petitions/:petitionId/decision',
  tag: 'ops',
  summary: 'Approve (granting up to the requested CEUs) or deny a petition.',
  description:
    'An update. A petition is decided once: deciding it again is rejected (422) unless the repeat carries ' +
    'the same Idempotency-Key, which returns the first answer.',
  access: ['ops'],
  params: PetitionParams,
  body: DecidePetitionRequest,
  idempotencyKey: true,
  responses: {
    200:
      'Decided: the petition. When its course lies in a cycle that has already renewed, `note` says so: ' +
      'the granted CEUs count toward no open cycle, and the petition fee stays paid.',
    ...UPDATE_RESPONSES,
    422: REJECTED,
  },
  async handler(ctx) {
    const actor = actorOf(ctx);
    const petition = await ctx.services.workflows.update(
      ctx.params.number,
      decidePetition,
      {
        ...ctx.body,
        petitionId: ctx.params.petitionId,
        decidedBy: actor,
        receivedAt: ctx.receivedAt,
      },
      { actor, idempotencyKey: ctx.idempotencyKey },
    );
    return { status: 200, body: petition };
  },
});
