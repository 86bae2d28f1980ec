import { reportCprAed } from '../../workflows/contract';
import { actorOf, defineRoute } from '../registry';
import { ReportCprAedRequest } from '../schemas/commands';
import { CredentialParams } from '../schemas/credentials';
import { SIGNAL_RESPONSES } from './responses';

export const reportCprAedRoute = defineRoute({
  operationId: 'reportCprAed',
  method: 'post',
  path: '/credentials/:number/cpr-aed',
  tag: 'commands',
  summary: "Report the holder's CPR/AED certification.",
  description:
    'Sent to the workflow as a signal. Idempotent on certificationId: a repeat is ignored (202 every time).',
  access: ['portal'],
  params: CredentialParams,
  body: ReportCprAedRequest,
  responses: { 202: 'Accepted.', ...SIGNAL_RESPONSES },
  async handler(ctx) {
    const { number } = ctx.params;
    await ctx.services.workflows.signal(number, reportCprAed, { ...ctx.body, reportedBy: actorOf(ctx) });
    return { status: 202, body: { credentialNumber: number, accepted: true } };
  },
});
