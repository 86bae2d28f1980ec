import { type SubmitApplication, submitApplication } from '../../workflows/contract';
import { actorOf, defineRoute } from '../registry';
import { SubmitApplicationRequest } from '../schemas/commands';
import { CredentialParams } from '../schemas/credentials';
import { REJECTED, UPDATE_RESPONSES } from './responses';

export const submitApplicationRoute = defineRoute({
  operationId: 'submitApplication',
  method: 'post',
  path: '/credentials/:number/applications',
  tag: 'commands',
  summary: 'Apply for renewal with the payment (amount in cents).',
  description:
    'An update. amountPaidCents is an integer number of cents (9900 = $99.00) and must cover the fee due on ' +
    'the day received (see fee-quote). A second application while one is pending is rejected ' +
    '(duplicate_pending) unless it repeats the same Idempotency-Key, which returns the first answer.',
  access: ['portal'],
  params: CredentialParams,
  body: SubmitApplicationRequest,
  idempotencyKey: true,
  responses: {
    201: 'Received: { applicationId, receivedOn, fee, auditSelected, auditDocumentsDueOn }.',
    ...UPDATE_RESPONSES,
    422: REJECTED,
  },
  async handler(ctx) {
    const actor = actorOf(ctx);
    const command: SubmitApplication = {
      paymentReference: ctx.body.paymentReference,
      amountPaid: ctx.body.amountPaidCents,
      submittedBy: actor,
      receivedAt: ctx.receivedAt,
    };
    const accepted = await ctx.services.workflows.update(ctx.params.number, submitApplication, command, {
      actor,
      idempotencyKey: ctx.idempotencyKey,
    });
    return { status: 201, body: accepted };
  },
});
