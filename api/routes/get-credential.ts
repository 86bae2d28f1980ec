import { abnormalText } from '../credential-reads';
import { defineRoute } from '../registry';
import { CredentialParams } from '../schemas/credentials';

export const getCredentialRoute = defineRoute({
  operationId: 'getCredential',
  method: 'get',
  path: '/credentials/:number',
  tag: 'reads',
  summary: "The credential's state, its records in PostgreSQL and its holder.",
  description:
    "`state` is the workflow's own view (workflows/view.ts) built from the run's snapshot in PostgreSQL, " +
    'so it answers without the worker (first-release runs are asked by workflow query); `records` is the ' +
    'database projection (null until the first event is recorded). When the workflow closed abnormally ' +
    '(terminated, failed, timed out, cancelled), `state.phase` is `Unknown`, `workflowStatus` says how it ' +
    'ended and `statusText` asks to contact support.',
  access: ['portal', 'ops'],
  params: CredentialParams,
  responses: {
    200: '{ state, records, holder, workflowStatus, statusText }.',
    404: 'No such credential.',
    503: 'A dependency is unavailable: see Retry-After.',
  },
  async handler({ params, services: { reads, repository } }) {
    const answer = await reads.answer(params.number, { records: true });
    const read = answer.read;
    const [records, holder] =
      read?.records !== undefined
        ? [{ credential: read.summary, ...read.records }, read.holder ?? null]
        : await Promise.all([repository.findRecords(params.number), repository.findHolder(params.number)]);
    const abnormal = answer.abnormal;
    const state = abnormal
      ? {
          ...answer.view,
          phase: 'Unknown',
          lastKnownPhase: answer.view.phase,
          nextDeadline: null,
          summary: `${abnormalText(abnormal)}; last known: ${answer.view.summary}`,
        }
      : answer.view;
    return {
      status: 200,
      body: {
        state,
        records,
        holder,
        workflowStatus: read?.workflowStatus ?? 'running',
        statusText: abnormal ? abnormalText(abnormal) : null,
      },
    };
  },
});
