import { dateAt } from '../../rules/calendar';
import { effectivePolicy } from '../../rules/policy-versions';
import { quoteFee } from '../../rules/fees';
import { abnormalText } from '../credential-reads';
import { AppError } from '../errors';
import { defineRoute } from '../registry';
import { CredentialParams, FeeQuoteQuery } from '../schemas/credentials';

export const quoteFeeRoute = defineRoute({
  operationId: 'quoteFee',
  method: 'get',
  path: '/credentials/:number/fee-quote',
  tag: 'reads',
  summary: 'The renewal fee for an application received on a given day (default today).',
  description:
    "Answered from PostgreSQL: the cycle's pinned rules with the fees of the policy version in force on " +
    'the day (the same rule the workflow charges by, rules/policy-versions.ts effectivePolicy).',
  access: ['portal', 'ops'],
  params: CredentialParams,
  query: FeeQuoteQuery,
  responses: {
    200: 'The quote: { accepted, window, lines, totalCents, validThrough } or { accepted: false, reason }.',
    404: 'No such credential.',
    409: "The credential's workflow closed abnormally: no fee can be quoted (contact support).",
    503: 'A dependency is unavailable: see Retry-After.',
  },
  async handler({ params, query, services: { reads, now } }) {
    const { view, policy, versions, abnormal } = await reads.answer(params.number);
    if (abnormal) throw new AppError('closed', `Credential ${params.number}: ${abnormalText(abnormal)}.`);
    const on = query.on ?? dateAt(now(), policy.timeZone);
    return {
      status: 200,
      body: {
        credentialNumber: view.credentialNumber,
        cycle: view.cycle,
        quote: quoteFee(view.dates, effectivePolicy(policy, versions, on), on),
      },
    };
  },
});
