import type { ReportKind } from '../../db/types';
import { AppError } from '../errors';
import { actorOf, defineRoute, type RouteContext } from '../registry';
import { CeuCompletionParams, CprAedParams, ReportOutcomesQuery } from '../schemas/reports';
import { toAnswer } from './report-answers';

// What became of each report, for the key that sent it (ops read everyone's). Written by the
// projection as the workflow decides (db/report-outcomes.ts): counted, not counted with the reason
// (outside the cycle, not approved, expired, ...), or refused by the workflow with the reason.

const OUTCOME_FIELDS =
  '{ credentialNumber, kind (ceu | cpr_aed), source (the provider; "cpr" for CPR/AED), externalId ' +
  '(completion or certification id), outcome (counted | not_counted | refused), counts, reasonCode, ' +
  'message, reportedBy, seq, updatedAt }';

const ONE_OUTCOME = {
  200:
    `${OUTCOME_FIELDS} plus recorded: the facts that stand, CEUs as decimal strings ("1.50") ` +
    '(null if the report was refused).',
  404: 'Not reported by your key, or not decided yet (read again in a few seconds).',
} as const;

/** One report's outcome; a reporter that did not send it gets the same 404 as for one never sent. */
async function oneOutcome(
  ctx: RouteContext<unknown, unknown, unknown>,
  number: string,
  kind: ReportKind,
  source: string,
  externalId: string,
  what: string,
) {
  const actor = actorOf(ctx);
  const { repository } = ctx.services;
  const outcome = await repository.reportOutcome(number, kind, source, externalId);
  if (!outcome || (actor.kind !== 'ops' && outcome.reportedBy.id !== actor.id)) {
    throw new AppError(
      'not_found',
      `No outcome of ${what} on credential ${number} from your key: if you reported it moments ago, it is ` +
        'being decided, so read again in a few seconds; otherwise report it.',
    );
  }
  const recorded = await repository.recordedReport(number, kind, source, externalId);
  return { status: 200, body: { ...toAnswer(outcome), recorded } };
}

export const getCeuCompletionOutcomeRoute = defineRoute({
  operationId: 'getCeuCompletionOutcome',
  method: 'get',
  path: '/credentials/:number/ceu-completions/:provider/:completionId',
  tag: 'reports',
  summary: 'Whether one reported course counts, and if not, why.',
  description:
    'The provider that reported it (or ops) reads its outcome and the facts recorded (the first report: ' +
    'a refused correction never replaces them). Percent-encode provider and completionId.',
  access: ['service', 'ops'],
  params: CeuCompletionParams,
  responses: ONE_OUTCOME,
  handler: (ctx) =>
    oneOutcome(
      ctx,
      ctx.params.number,
      'ceu',
      ctx.params.provider,
      ctx.params.completionId,
      `completion ${ctx.params.completionId} of ${ctx.params.provider}`,
    ),
});

export const getCprAedOutcomeRoute = defineRoute({
  operationId: 'getCprAedOutcome',
  method: 'get',
  path: '/credentials/:number/cpr-aed/:certificationId',
  tag: 'reports',
  summary: 'Whether one reported CPR/AED certification counts, and if not, why (e.g. expired).',
  description: 'The key that reported it (or ops) reads its outcome and the facts recorded.',
  access: ['portal', 'ops'],
  params: CprAedParams,
  responses: ONE_OUTCOME,
  handler: (ctx) =>
    oneOutcome(
      ctx,
      ctx.params.number,
      'cpr_aed',
      'cpr',
      ctx.params.certificationId,
      `CPR/AED certification ${ctx.params.certificationId}`,
    ),
});

export const listReportOutcomesRoute = defineRoute({
  operationId: 'listReportOutcomes',
  method: 'get',
  path: '/report-outcomes',
  tag: 'reports',
  summary: 'The outcomes of your reports, oldest change first, from a cursor (poll it).',
  description:
    'A feed of every report your key sent whose outcome was decided or changed after `after`. Start with ' +
    'after=0, store `cursor` from each answer and pass it as `after` next time; while `more` is true, ' +
    'read again at once, else poll later (e.g. every minute). An outcome is the standing on the day ' +
    'the report was received; one written again (refused, then sent again) appears again with a higher ' +
    'seq. Outcomes appear about ' +
    '2 seconds after they are decided, so the cursor never skips one. Ops read every reporter’s ' +
    'outcomes, or one with reportedBy.',
  access: ['service', 'portal', 'ops'],
  query: ReportOutcomesQuery,
  responses: {
    200: `{ items: [${OUTCOME_FIELDS}], cursor: pass as after next time, more: true when another page is ready }.`,
    403: 'reportedBy names another key (only ops may read other reporters).',
  },
  async handler(ctx) {
    const actor = actorOf(ctx);
    const { after, limit, reportedBy } = ctx.query;
    if (actor.kind !== 'ops' && reportedBy !== undefined && reportedBy !== actor.id) {
      throw new AppError(
        'forbidden',
        'You read the outcomes of your own reports only: leave out reportedBy.',
      );
    }
    const reportedById = actor.kind === 'ops' ? (reportedBy ?? null) : actor.id;
    const page = await ctx.services.repository.reportOutcomeFeed({ reportedById, afterSeq: after, limit });
    const items = page.items.map(toAnswer);
    return {
      status: 200,
      body: { items, cursor: items[items.length - 1]?.seq ?? after, more: page.nextCursor !== null },
    };
  },
});
