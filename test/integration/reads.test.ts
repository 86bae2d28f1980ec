import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createWorkflowReconciler } from '../../api/workflow-reconciler';
import { type CredentialViewAnswer, CredentialViewOut } from '../../api/schemas/responses';
import { createDb, type Db } from '../../db/client';
import { createRepository } from '../../db/repository';
import { createSqlPool } from '../../db/sql-pool';
import type { Repository } from '../../db/types';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import { credentialWorkflowId, getState } from '../../workflows/contract';
import { createWorker } from '../../worker/create-worker';
import { eventually, httpClient, type HttpClient } from '../support/http';
import { bundleWorkflows, startDevServer } from '../support/temporal';

// Issue 8 items 3 and 5, issue 11's reads: public reads answer from PostgreSQL without the worker,
// say so honestly when a workflow closed abnormally, and answer 503 (not 500) when a dependency is down.

const TASK_QUEUE = 'reads';
const TZ = NASM_CPT.timeZone;
const today = dateAt(Date.now(), TZ);
const certifiedOn = addDays(addYears(today, -1), 1);
const holder = { name: 'Rea Dingwell', email: 'rea@example.com' };

let env: TestWorkflowEnvironment;
let db: Db;
let repository: Repository;
let worker: Worker;
let running: Promise<void>;
let server: Server;
let call: HttpClient;
const keys = { service: '', ops: '' };

beforeAll(async () => {
  const [started, bundle] = await Promise.all([startDevServer(), bundleWorkflows()]);
  env = started;
  db = createDb(process.env.DATABASE_URL as string);
  repository = createRepository(db);
  worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    repository,
    auditDraw: () => 9_999,
  });
  running = worker.run();
  server = await listen(createApp({ client: env.client, repository, taskQueue: TASK_QUEUE }));
  call = httpClient(baseUrl(server));
  for (const role of ['service', 'ops'] as const)
    keys[role] = (await repository.createApiKey(role, role)).token;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await repository?.close();
  await env?.teardown();
});

function listen(app: ReturnType<typeof createApp>): Promise<Server> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}
const baseUrl = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

async function enrol(number: string): Promise<void> {
  const answer = await call('POST', '/credentials', {
    token: keys.service,
    body: { credentialNumber: number, certificationDate: certifiedOn, holder },
  });
  expect(answer.status).toBe(202);
}

/** Enrolled, a CEU reported, and both recorded in PostgreSQL with the run's snapshot. */
async function withFacts(number: string): Promise<void> {
  await enrol(number);
  const report = await call('POST', `/credentials/${number}/ceu-completions`, {
    token: keys.service,
    body: {
      provider: 'acme',
      completionId: `${number}-1`,
      course: 'Kettlebells',
      units: '1.50',
      completedOn: today,
      approved: true,
    },
  });
  expect(report.status).toBe(202);
  await eventually(
    async () => ((await repository.readCredential(number))?.snapshot?.completions.length ?? 0) > 0,
    20_000,
    'the completion in the snapshot',
  );
}

type Read = {
  state: CredentialViewAnswer & { lastKnownPhase?: string };
  workflowStatus: string;
  statusText: string | null;
};

describe('reads answer from PostgreSQL', () => {
  it('when the worker answers, then GET /credentials/:n is the workflow query’s own view, built from the snapshot', async () => {
    await withFacts('RD-SAME-1');
    // The query answers in the contract's units; the API's schema puts them in the API's.
    const query = CredentialViewOut.parse(
      await env.client.workflow.getHandle(credentialWorkflowId('RD-SAME-1')).query(getState),
    );
    const read = await call<Read>('GET', '/credentials/RD-SAME-1', { token: keys.ops });
    expect(read.status).toBe(200);
    expect(read.body.state).toEqual(query);
    expect(read.body.state.ceus.earned).toBe('1.50');
    expect(read.body).toMatchObject({ workflowStatus: 'running', statusText: null, holder });
    const quote = await call<{ quote: unknown }>('GET', '/credentials/RD-SAME-1/fee-quote', {
      token: keys.ops,
    });
    expect(quote.body.quote).toEqual(query.feeQuote);
  });

  it('when a credential is revoked, then its read from PostgreSQL is the closed workflow’s own view (phase, date and reason)', async () => {
    await withFacts('RD-REV-1');
    const revoked = await call('POST', '/credentials/RD-REV-1/revocation', {
      token: keys.ops,
      body: { reason: 'Fraudulent exam record.' },
    });
    expect(revoked.status).toBe(200);
    await eventually(
      async () => (await repository.readCredential('RD-REV-1'))?.phase === 'Revoked',
      20_000,
      'the revocation recorded',
    );
    const query = CredentialViewOut.parse(
      await env.client.workflow.getHandle(credentialWorkflowId('RD-REV-1')).query(getState),
    );
    const read = await call<Read>('GET', '/credentials/RD-REV-1', { token: keys.ops });
    expect(read.body.state).toEqual(query);
    expect(read.body.state.summary).toContain('Fraudulent exam record.');
    expect(read.body.workflowStatus).toBe('completed');
    expect((await call('GET', '/verify/RD-REV-1')).body).toMatchObject({ status: 'revoked' });
  });

  it('when the worker is stopped, then /verify, GET /credentials/:n and the fee quote still answer 200 from PostgreSQL', async () => {
    await withFacts('RD-NOWORKER-1');
    worker.shutdown();
    await running;
    const verify = await call('GET', '/verify/RD-NOWORKER-1');
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ status: 'active', certification: NASM_CPT.name });
    const read = await call<Read>('GET', '/credentials/RD-NOWORKER-1', { token: keys.ops });
    expect(read.status).toBe(200);
    expect(read.body.state).toMatchObject({ phase: 'Active', ceus: { earned: '1.50' } });
    const quote = await call('GET', '/credentials/RD-NOWORKER-1/fee-quote', { token: keys.ops });
    expect(quote.status).toBe(200);
    const list = await call<{ items: { number: string; phase: string }[] }>('GET', '/credentials', {
      token: keys.ops,
    });
    expect(list.status).toBe(200);
    expect(list.body.items.find((i) => i.number === 'RD-NOWORKER-1')?.phase).toBe('Active');
  });

  it('when the worker is stopped and a read must ask the workflow (no row yet), then 503 with Retry-After, not 500', async () => {
    // A credential whose workflow started but whose first event can never be recorded (no worker).
    await env.client.workflow.start('credential', {
      workflowId: credentialWorkflowId('RD-NOROW-1'),
      taskQueue: TASK_QUEUE,
      args: [
        {
          credentialNumber: 'RD-NOROW-1',
          policyId: 'nasm-cpt',
          certifiedOn,
          cycle: 1,
          cycleStart: certifiedOn,
        },
      ],
    });
    const read = await call('GET', '/credentials/RD-NOROW-1', { token: keys.ops });
    expect(read.status).toBe(503);
    expect(read.headers.get('retry-after')).toBeTruthy();
  });
});

describe('a workflow that closed abnormally', () => {
  it('when a running credential’s workflow is terminated, then /verify, GET /credentials/:n and the list say so, never "active"', async () => {
    // The worker was stopped by the tests above: this credential's facts were recorded earlier.
    const number = 'RD-NOWORKER-1';
    await env.client.workflow.getHandle(credentialWorkflowId(number)).terminate('ops pressed the button');
    const reconciler = createWorkflowReconciler({ client: env.client, repository });
    await eventually(
      async () => (await reconciler.runOnce()).changed.some((c) => c.number === number),
      20_000,
      'the reconciler to notice the terminated workflow',
    );

    const verify = await call<{ status: string; statusText: string }>('GET', `/verify/${number}`);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({
      status: 'unknown',
      statusText: 'unknown — workflow terminated, contact support',
      renewableUntil: null,
    });
    const read = await call<Read>('GET', `/credentials/${number}`, { token: keys.ops });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      workflowStatus: 'terminated',
      statusText: 'unknown — workflow terminated, contact support',
      state: { phase: 'Unknown', lastKnownPhase: 'Active', nextDeadline: null },
    });
    const list = await call<{ items: { number: string; phase: string; statusText?: string }[] }>(
      'GET',
      '/credentials',
      { token: keys.ops },
    );
    expect(list.body.items.find((i) => i.number === number)).toMatchObject({
      phase: 'Unknown',
      lastKnownPhase: 'Active',
      workflowStatus: 'terminated',
    });
    const active = await call<{ items: { number: string }[] }>('GET', '/credentials?phase=Active', {
      token: keys.ops,
    });
    expect(active.body.items.map((i) => i.number)).not.toContain(number);
    expect((await call('GET', `/credentials/${number}/fee-quote`, { token: keys.ops })).status).toBe(409);
    // A second pass changes nothing (the mark stays while the workflow stays closed).
    expect((await reconciler.runOnce()).changed).toEqual([]);

    // Ops reset the workflow (a new run from its first completed task): the mark is cleared.
    const handle = env.client.workflow.getHandle(credentialWorkflowId(number));
    const events = (await handle.fetchHistory()).events ?? [];
    const firstTask = events.find((e) => e.workflowTaskCompletedEventAttributes);
    await env.client.workflowService.resetWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId: credentialWorkflowId(number) },
      workflowTaskFinishEventId: firstTask?.eventId,
      requestId: `reset-${number}`,
      reason: 'bring it back',
    });
    expect((await reconciler.runOnce()).changed).toEqual([{ number, status: 'running' }]);
    expect((await call('GET', `/verify/${number}`)).body).toMatchObject({ status: 'active' });
  });
});

describe('dependencies down and bad filters', () => {
  it('when the list is asked for credentials expiring before year 0, then 400 naming the field', async () => {
    const answer = await call('GET', '/credentials?expiringBefore=0000-01-01', { token: keys.ops });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0]?.field).toBe('expiringBefore');
    expect(
      (await call('GET', '/credentials/RD-SAME-1/fee-quote?on=0000-01-01', { token: keys.ops })).status,
    ).toBe(400);
  });

  it('when PostgreSQL refuses connections, then reads answer 503 with Retry-After, not 500', async () => {
    // An API whose database is unreachable: Prisma (driver adapter) and node-postgres alike.
    const deadUrl = 'postgresql://nobody:nothing@127.0.0.1:1/recertify';
    const deadDb = createDb(deadUrl);
    const dead = createRepository(deadDb, { pool: createSqlPool(deadUrl) });
    // Authentication needs the database too: a public read and an authenticated one both say 503.
    const deadServer = await listen(
      createApp({ client: env.client, repository: dead, taskQueue: TASK_QUEUE }),
    );
    try {
      const deadCall = httpClient(baseUrl(deadServer));
      for (const path of ['/verify/RD-SAME-1', '/credentials/RD-SAME-1', '/credentials']) {
        const answer = await deadCall('GET', path, { token: keys.ops });
        expect([path, answer.status]).toEqual([path, 503]);
        expect(answer.headers.get('retry-after')).toBe('5');
      }
    } finally {
      await new Promise((resolve) => deadServer.close(resolve));
      await dead.close();
    }
  });
});
