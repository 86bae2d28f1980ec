import { InvalidCursorError } from '../../db/cursor';
import { AppError } from '../errors';
import { defineRoute } from '../registry';
import { ListCredentialsQuery } from '../schemas/credentials';

export const listCredentialsRoute = defineRoute({
  operationId: 'listCredentials',
  method: 'get',
  path: '/credentials',
  tag: 'ops',
  summary: 'Credentials by phase, expiry and audit state, a page at a time.',
  description: 'Pass nextCursor back as cursor for the next page; null means the last page.',
  access: ['ops'],
  query: ListCredentialsQuery,
  responses: { 200: '{ items, nextCursor }.' },
  async handler({ query, services: { repository } }) {
    const { phase, expiringBefore, auditState, limit, cursor } = query;
    try {
      const page = await repository.listCredentials({
        limit,
        ...(phase ? { phase } : {}),
        ...(expiringBefore ? { expiringBefore } : {}),
        ...(auditState ? { auditState } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return { status: 200, body: page };
    } catch (err) {
      if (!(err instanceof InvalidCursorError)) throw err;
      throw new AppError('validation_failed', 'The request is invalid: fix the fields listed in details.', [
        { field: 'cursor', message: err.message },
      ]);
    }
  },
});
