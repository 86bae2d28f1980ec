import { defineRoute } from '../registry';

const PROBE_DEADLINE_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  try {
    await withTimeout(check(), PROBE_DEADLINE_MS);
    return 'ok';
  } catch {
    return 'unavailable';
  }
}

export const healthRoute = defineRoute({
  operationId: 'health',
  method: 'get',
  path: '/health',
  tag: 'operations',
  summary: 'Liveness: the process answers.',
  access: 'public',
  responses: { 200: '{ status: "ok" }.' },
  handler: () => Promise.resolve({ status: 200, body: { status: 'ok' } }),
});

export const readyRoute = defineRoute({
  operationId: 'ready',
  method: 'get',
  path: '/ready',
  tag: 'operations',
  summary: 'Readiness: PostgreSQL and the Temporal frontend both answer.',
  access: 'public',
  responses: { 200: 'Ready: { status, checks }.', 503: 'Not ready: { status, checks } names what is down.' },
  async handler({ services: { repository, client } }) {
    const [database, temporal] = await Promise.all([
      // A lookup of a number that cannot exist: a real round trip with no side effect.
      probe(() => repository.findCredential('readiness-probe')),
      probe(() => client.workflowService.getSystemInfo({})),
    ]);
    const ready = database === 'ok' && temporal === 'ok';
    return {
      status: ready ? 200 : 503,
      headers: { 'Cache-Control': 'no-store' },
      body: { status: ready ? 'ready' : 'unavailable', checks: { database, temporal } },
    };
  },
});
