import { AppError } from '../errors';
import { defineRoute } from '../registry';
import { CredentialParams } from '../schemas/credentials';

export const getHistoryRoute = defineRoute({
  operationId: 'getCredentialHistory',
  method: 'get',
  path: '/credentials/:number/history',
  tag: 'ops',
  summary: 'Every event of the credential (accepted facts and rejected commands): who, what, when, why.',
  access: ['ops'],
  params: CredentialParams,
  responses: { 200: '{ credentialNumber, events }.', 404: 'No such credential.' },
  async handler({ params, services: { repository } }) {
    const [credential, events] = await Promise.all([
      repository.findCredential(params.number),
      repository.history(params.number),
    ]);
    if (!credential && events.length === 0)
      throw new AppError('not_found', `No credential ${params.number}.`);
    return { status: 200, body: { credentialNumber: params.number, events } };
  },
});
