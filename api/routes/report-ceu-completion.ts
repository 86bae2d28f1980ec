import { reportCeuCompletion } from '../../workflows/contract';
import { actorOf, defineRoute } from '../registry';
import { ReportCeuCompletionRequest } from '../schemas/commands';
import { CredentialParams } from '../schemas/credentials';
import { SIGNAL_RESPONSES } from './responses';

export const reportCeuCompletionRoute = defineRoute({
  operationId: 'reportCeuCompletion',
  method: 'post',
  path: '/credentials/:number/ceu-completions',
  tag: 'commands',
  summary: 'Report a completed course (CEUs as "0.50").',
  description:
    'Sent to the workflow as a signal. Idempotent on provider + completionId: the workflow ignores a repeat, ' +
    'so the answer is 202 every time.',
  access: ['service'],
  params: CredentialParams,
  body: ReportCeuCompletionRequest,
  responses: {
    202: 'Accepted: the workflow will count it if it belongs to a cycle.',
    ...SIGNAL_RESPONSES,
  },
  async handler(ctx) {
    const { number } = ctx.params;
    await ctx.services.workflows.signal(number, reportCeuCompletion, {
      ...ctx.body,
      reportedBy: actorOf(ctx),
    });
    return { status: 202, body: { credentialNumber: number, accepted: true } };
  },
});
