import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDb } from '../../db/client';
import { createRepository } from '../../db/repository';
import type { Repository } from '../../db/types';
import { addDays, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import { eventually, type HttpClient, httpClient } from '../support/http';
import { type NodeProcess, startEntry, stopEntry } from '../support/node-process';
import { startTcpGate, type TcpGate } from '../support/tcp-gate';
import { freePort, startDevServer } from '../support/temporal';

// The API started by its real entry point (api/main.ts, its Temporal client on the native
// connection) while Temporal goes away and comes back: it answers 503 with Retry-After and writes
// nothing, never crashes, takes the same request once Temporal is back without a restart, and stops
// cleanly when told to during an outage.

const today = dateAt(Date.now(), NASM_CPT.timeZone);
const enrolment = (credentialNumber: string) => ({
  credentialNumber,
  certificationDate: addDays(today, -30),
  holder: { name: 'Otto Outage', email: 'otto@example.com' },
});

describe('the API while Temporal is unreachable, then back', () => {
  let server: TestWorkflowEnvironment;
  let gate: TcpGate;
  let repository: Repository;
  let api: NodeProcess;
  let call: HttpClient;
  let opsToken: string;

  async function startApi(): Promise<void> {
    const port = await freePort();
    // DATABASE_URL from global setup; no TEMPORAL_* of whoever runs the tests.
    const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_'));
    api = startEntry('api/main.ts', {
      ...Object.fromEntries(inherited),
      TEMPORAL_ADDRESS: gate.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml',
      PORT: String(port),
      API_METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      WORKFLOW_RECONCILE_MS: '0',
      LOG_LEVEL: 'info',
    });
    call = httpClient(`http://127.0.0.1:${port}`);
    await api.waitFor(/API listening/);
  }

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
    server = await startDevServer();
    gate = await startTcpGate(server.address);
    repository = createRepository(createDb(url));
    opsToken = (await repository.createApiKey('ops', 'outage test')).token;
    await startApi();
  });

  afterAll(async () => {
    await stopEntry(api);
    await gate?.close();
    await repository?.close();
    await server?.teardown();
  });

  it('when Temporal stops answering, then reads of readiness and commands are 503s that say so, nothing is written, and the same request succeeds once it is back', async () => {
    const before = await call('POST', '/credentials', { token: opsToken, body: enrolment('OUT-1') });
    expect(before.status).toBe(202);

    await gate.cut();
    const ready = await call('GET', '/ready');
    expect(ready).toMatchObject({
      status: 503,
      body: { status: 'unavailable', checks: { database: 'ok', temporal: 'unavailable' } },
    });
    const startedAt = Date.now();
    const down = await call('POST', '/credentials', { token: opsToken, body: enrolment('OUT-2') });
    expect(down.status).toBe(503);
    expect(down.body.error).toEqual({
      code: 'unavailable',
      message: 'The workflow service is not answering; retry shortly.',
      details: [],
    });
    expect(down.headers.get('retry-after')).toBe('5');
    // Within the command deadline (30 s), not hanging on a dead connection.
    expect(Date.now() - startedAt).toBeLessThan(31_000);
    expect(await repository.findHolder('OUT-2')).toBeNull();
    expect(api.child.exitCode).toBeNull();

    await gate.restore();
    await eventually(async () => (await call('GET', '/ready')).status === 200);
    const retried = await call('POST', '/credentials', { token: opsToken, body: enrolment('OUT-2') });
    expect(retried).toMatchObject({ status: 202, body: { credentialNumber: 'OUT-2', created: true } });
    expect(await repository.findHolder('OUT-2')).toEqual(enrolment('OUT-2').holder);
  }, 90_000);

  it('when the API is stopped during an outage, right after a call gave up, then it exits cleanly (no uncaught error)', async () => {
    await gate.cut();
    // The probe gives up after 2 s; the client's own retries of it may still be pending.
    expect((await call('GET', '/ready')).status).toBe(503);
    const code = await stopEntry(api);
    expect({ code, stderr: api.stderr.join('') }).toEqual({ code: 0, stderr: '' });
    await gate.restore();
    await startApi();
  }, 60_000);
});
