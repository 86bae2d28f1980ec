import { InvalidCursorError } from '../../db/cursor';
import { abnormalClose, abnormalText } from '../credential-reads';
import { AppError } from '../errors';
import { defineRoute } from '../registry';
import { ListCredentialsQuery } from '../schemas/credentials';

export const listCredentialsRoute = defineRoute({
  operationId: 'listCredentials',
  method: 'get',
  path: '/credentials',
  tag: 'ops',
  summary: 'Credentials by phase, expiry and audit state, a page at a time.',
  description:
    'Pass nextCursor back as cursor for the next page; null means the last page. A credential whose ' +
    'workflow closed abnormally (terminated, failed) shows `phase: Unknown` with `lastKnownPhase`, ' +
    '`workflowStatus` and `statusText`, and matches no phase filter.',
  access: ['ops'],
  query: ListCredentialsQuery,
  responses: {
    200: '{ items, nextCursor }.',
    400: 'A filter is invalid (dates from 1900-01-01 to 2999-12-31).',
    503: 'The database is unavailable: see Retry-After.',
  },
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
      return {
        status: 200,
        body: {
          ...page,
          // A workflow that closed abnormally: its row's phase is only the last one known.
          items: page.items.map((item) => {
            const abnormal = item.workflowStatus ? abnormalClose(item.workflowStatus) : null;
            return abnormal
              ? { ...item, phase: 'Unknown', lastKnownPhase: item.phase, statusText: abnormalText(abnormal) }
              : item;
          }),
        },
      };
    } catch (err) {
      if (!(err instanceof InvalidCursorError)) throw err;
      throw new AppError('validation_failed', 'The request is invalid: fix the fields listed in details.', [
        { field: 'cursor', message: err.message },
      ]);
    }
  },
});
