import { dateAt } from '../../rules/calendar';
import { quoteFee } from '../../rules/fees';
import { getPolicy } from '../../rules/policies';
import { defineRoute } from '../registry';
import { CredentialParams, FeeQuoteQuery } from '../schemas/credentials';

export const quoteFeeRoute = defineRoute({
  operationId: 'quoteFee',
  method: 'get',
  path: '/credentials/:number/fee-quote',
  tag: 'reads',
  summary: 'The renewal fee for an application received on a given day (default today).',
  access: ['portal', 'ops'],
  params: CredentialParams,
  query: FeeQuoteQuery,
  responses: {
    200: 'The quote: { accepted, window, lines, totalCents, validThrough } or { accepted: false, reason }.',
    404: 'No such credential.',
  },
  async handler({ params, query, services: { workflows, now } }) {
    const view = await workflows.state(params.number);
    const policy = getPolicy(view.policyId);
    const on = query.on ?? dateAt(now(), policy.timeZone);
    return {
      status: 200,
      body: {
        credentialNumber: view.credentialNumber,
        cycle: view.cycle,
        quote: quoteFee(view.dates, policy, on),
      },
    };
  },
});
