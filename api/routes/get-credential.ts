import { defineRoute } from '../registry';
import { CredentialParams } from '../schemas/credentials';

export const getCredentialRoute = defineRoute({
  operationId: 'getCredential',
  method: 'get',
  path: '/credentials/:number',
  tag: 'reads',
  summary: "The credential's live state (workflow query), its records in PostgreSQL and its holder.",
  description:
    "`state` is the workflow's answer (authoritative, live); `records` is the database projection " +
    '(null until the first event is recorded).',
  access: ['portal', 'ops'],
  params: CredentialParams,
  responses: { 200: '{ state, records, holder }.', 404: 'No such credential.' },
  async handler({ params, services: { workflows, repository } }) {
    const [state, records, holder] = await Promise.all([
      workflows.state(params.number),
      repository.findRecords(params.number),
      repository.findHolder(params.number),
    ]);
    return { status: 200, body: { state, records, holder } };
  },
});
