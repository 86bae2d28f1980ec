import { reportCprAed } from '../../workflows/contract';
import { actorOf, defineRoute } from '../registry';
import { checkCprAed } from '../report-checks';
import { ReportCprAedRequest } from '../schemas/commands';
import { CredentialParams } from '../schemas/credentials';
import { reportAnswer, REPORT_RESPONSES } from './report-answers';

export const reportCprAedRoute = defineRoute({
  operationId: 'reportCprAed',
  method: 'post',
  path: '/credentials/:number/cpr-aed',
  tag: 'commands',
  summary: "Report the holder's CPR/AED certification.",
  description:
    'Checked against what the credential already holds, then sent to the workflow as a signal. ' +
    'Idempotent on certificationId: an exact repeat answers 202 with duplicate: true; the same id with ' +
    'other dates or hands-on flag is a 409 that shows both versions. Whether it counts (e.g. not expired) ' +
    'is read at `status` (Location) or in GET /report-outcomes.',
  access: ['portal'],
  params: CredentialParams,
  body: ReportCprAedRequest,
  responses: REPORT_RESPONSES,
  async handler(ctx) {
    const { number } = ctx.params;
    const at = Date.parse(ctx.receivedAt);
    const novelty = await checkCprAed(ctx.services, number, ctx.body, at);
    const status = `/credentials/${encodeURIComponent(number)}/cpr-aed/${encodeURIComponent(ctx.body.certificationId)}`;
    const actor = actorOf(ctx);
    if (novelty === 'new') {
      await ctx.services.workflows.signal(number, reportCprAed, {
        ...ctx.body,
        reportedBy: actor,
        receivedAt: ctx.receivedAt,
      });
    }
    const externalId = ctx.body.certificationId;
    const ref = { number, kind: 'cpr_aed', source: 'cpr', externalId, status } as const;
    return reportAnswer(ctx.services, actor, ref, novelty);
  },
});
