import { reportCeuCompletion } from '../../workflows/contract';
import { actorOf, defineRoute } from '../registry';
import { checkCompletion } from '../report-checks';
import { ReportCeuCompletionRequest } from '../schemas/commands';
import { CredentialParams } from '../schemas/credentials';
import { reportAnswer, REPORT_RESPONSES } from './report-answers';

export const reportCeuCompletionRoute = defineRoute({
  operationId: 'reportCeuCompletion',
  method: 'post',
  path: '/credentials/:number/ceu-completions',
  tag: 'commands',
  summary: 'Report a completed course (CEUs as "0.50").',
  description:
    'Checked against what the credential already holds, then sent to the workflow as a signal. ' +
    'Idempotent on provider + completionId: an exact repeat answers 202 with duplicate: true and changes ' +
    'nothing; the same id with other facts (units, date, course, approval) is a 409 that shows both ' +
    'versions: the first report stands, and the right facts go under a new completion id. Whether a ' +
    'report counts is decided by the workflow: read it at `status` (Location) or in GET /report-outcomes.',
  access: ['service'],
  params: CredentialParams,
  body: ReportCeuCompletionRequest,
  responses: REPORT_RESPONSES,
  async handler(ctx) {
    const { number } = ctx.params;
    const at = Date.parse(ctx.receivedAt);
    const novelty = await checkCompletion(ctx.services, number, ctx.body, at);
    const { provider, completionId } = ctx.body;
    const status = `/credentials/${encodeURIComponent(number)}/ceu-completions/${encodeURIComponent(
      provider,
    )}/${encodeURIComponent(completionId)}`;
    const actor = actorOf(ctx);
    if (novelty === 'new') {
      await ctx.services.workflows.signal(number, reportCeuCompletion, {
        ...ctx.body,
        reportedBy: actor,
        receivedAt: ctx.receivedAt,
      });
    }
    const ref = { number, kind: 'ceu', source: provider, externalId: completionId, status } as const;
    return reportAnswer(ctx.services, actor, ref, novelty);
  },
});
