import type { ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../../api/app';
import { createApiMetrics } from '../../api/metrics';
import { createDb } from '../../db/client';
import { createRepository } from '../../db/repository';
import type { Repository } from '../../db/types';
import { requestIdClientInterceptor } from '../../observability/client-interceptor';
import { createLogger } from '../../observability/logger';
import { type MetricsServer, startMetricsServer } from '../../observability/metrics-server';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import { credentialWorkflowId } from '../../workflows/contract';
import { eventually, type HttpClient, httpClient } from '../support/http';
import { startEntry } from '../support/node-process';
import { startDevServer } from '../support/temporal';

// Logs, request ids and metrics across the real pieces: the API in this process (its log lines
// captured), the worker as a child process started by its real entry point (worker/main.ts), so it
// installs its own Temporal Runtime with the core Prometheus exporter (one Runtime per process: this
// one already has the test's), against the Temporal dev server and PostgreSQL.

const TASK_QUEUE = 'observability';
const HOLDER = { name: 'Grace Obsperson', email: 'grace.obsperson@example.com' };
const today = dateAt(Date.now(), NASM_CPT.timeZone);
// In the cycle's last days, so an application is in the in_cycle fee tier.
const certifiedOn = addDays(addYears(today, -2), 10);

interface WorkerProcess {
  child: ChildProcess;
  /** Its stdout: JSON log lines. */
  lines: string[];
  /** Its metrics URL, once it polls its task queue (so each request below reaches it on its own). */
  ready: Promise<string>;
}

function startWorker(env: TestWorkflowEnvironment): WorkerProcess {
  const worker = startEntry('worker/main.ts', {
    ...process.env,
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    WORKER_METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    // Debug, to see where each line would go; the quiet-at-info test below reads the levels.
    LOG_LEVEL: 'debug',
  });
  const ready = worker.waitFor(/worker metrics listening/).then(async (line) => {
    const metricsUrl = /"metrics":"([^"]+)"/.exec(line)?.[1];
    if (!metricsUrl) throw new Error(`no metrics address in: ${line}`);
    await worker.waitFor(/"state":"RUNNING"/);
    return metricsUrl;
  });
  return { child: worker.child, lines: worker.lines, ready };
}

async function text(url: string): Promise<string> {
  return (await fetch(url)).text();
}

/** The value of one sample (`name{labels} value`), or undefined when absent. */
function sample(exposition: string, series: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('observability: request ids, logs without personal data, metrics of the API and the worker', () => {
  let env: TestWorkflowEnvironment;
  let worker: WorkerProcess;
  let workerMetricsUrl: string;
  let repository: Repository;
  let server: Server;
  let apiMetrics: MetricsServer;
  let call: HttpClient;
  let client: Client;
  const apiLog: string[] = [];
  const keys = { service: '', portal: '' };

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
    env = await startDevServer();
    worker = startWorker(env);
    repository = createRepository(createDb(url));
    client = new Client({
      connection: env.connection,
      namespace: 'default',
      interceptors: { workflow: [requestIdClientInterceptor()] },
    });
    const metrics = createApiMetrics();
    const logger = createLogger({
      level: 'info',
      service: 'api',
      destination: { write: (l) => apiLog.push(l) },
    });
    const app = createApp({ client, repository, taskQueue: TASK_QUEUE, logger, metrics });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    call = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    apiMetrics = await startMetricsServer({ registry: metrics.registry, port: 0, host: '127.0.0.1' });
    keys.service = (await repository.createApiKey('service', 'observability service')).token;
    keys.portal = (await repository.createApiKey('portal', 'observability portal')).token;
    workerMetricsUrl = await worker.ready;
  });

  afterAll(async () => {
    if (worker?.child.exitCode === null) {
      const exited = new Promise((resolve) => worker.child.once('exit', resolve));
      worker.child.kill('SIGTERM');
      await exited;
    }
    await apiMetrics?.close();
    await new Promise((resolve) => server?.close(resolve));
    await repository?.close();
    await env?.teardown();
  });

  const REQUEST_ID = 'obs-enrol-0001';
  const NUMBER = 'OBS-1';

  it('when a request sends a well-formed X-Request-Id, then it is echoed and the started workflow carries it in its memo', async () => {
    const answer = await call('POST', '/credentials', {
      token: keys.service,
      headers: { 'x-request-id': REQUEST_ID },
      body: { credentialNumber: NUMBER, certificationDate: certifiedOn, holder: HOLDER },
    });
    expect(answer.status).toBe(202);
    expect(answer.headers.get('x-request-id')).toBe(REQUEST_ID);

    const description = await client.workflow.getHandle(credentialWorkflowId(NUMBER)).describe();
    expect(description.memo).toEqual(expect.objectContaining({ requestId: REQUEST_ID }));
    // Projected before the next commands, so each activity follows its own request.
    await eventually(() => repository.findCredential(NUMBER), 20_000, 'credential row');
  });

  it('when a request has no or a malformed X-Request-Id, then the API makes one and echoes it', async () => {
    const none = await call('GET', '/health');
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const malformed = await call('GET', '/health', {
      headers: { 'x-request-id': 'has spaces {and braces}' },
    });
    expect(malformed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when the request is answered, then one log line names method, route pattern, status, request id and key id, never the token', () => {
    const line = apiLog
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request' && l.requestId === REQUEST_ID);
    expect(line).toMatchObject({
      method: 'POST',
      route: '/credentials',
      status: 202,
      durationMs: expect.any(Number),
      apiKeyId: expect.any(String),
      service: 'api',
    });
    expect(apiLog.join('\n')).not.toContain(keys.service);
  });

  it('when the API is scraped, then it counts the request by route pattern and the enrolment', async () => {
    const metrics = await text(apiMetrics.url);
    expect(sample(metrics, 'http_requests_total{method="POST",route="/credentials",status="202"}')).toBe(1);
    expect(sample(metrics, 'credentials_enrolled_total')).toBe(1);
    expect(metrics).toContain('http_request_duration_seconds_bucket{');
  });

  it('when the holder meets the requirement and applies, then the worker counts the application by fee tier, with the core metrics on the same endpoint', async () => {
    const courses = [
      { completionId: 'OBS-A', units: '1.00', completedOn: addDays(today, -200) },
      { completionId: 'OBS-B', units: '0.90', completedOn: addDays(today, -30) },
    ];
    for (const course of courses) {
      const reported = await call('POST', `/credentials/${NUMBER}/ceu-completions`, {
        token: keys.service,
        body: { provider: 'acme-ce', course: 'Observed course', approved: true, ...course },
      });
      expect(reported.status).toBe(202);
    }
    const cpr = await call('POST', `/credentials/${NUMBER}/cpr-aed`, {
      token: keys.portal,
      body: {
        certificationId: 'OBS-CPR',
        issuedOn: addDays(today, -100),
        expiresOn: addDays(today, 600),
        handsOn: true,
      },
    });
    expect(cpr.status).toBe(202);
    const applied = await eventually(async () => {
      const answer = await call('POST', `/credentials/${NUMBER}/applications`, {
        token: keys.portal,
        headers: { 'idempotency-key': 'obs-application', 'x-request-id': 'obs-apply-0001' },
        body: { paymentReference: 'pay-obs-1', amountPaidCents: 9900 },
      });
      // 422 until the workflow has counted the CEUs reported above.
      return answer.status === 201 && answer;
    });
    expect(applied.headers.get('x-request-id')).toBe('obs-apply-0001');

    const metrics = await eventually(async () => {
      const m = await text(workerMetricsUrl);
      return sample(m, 'applications_total{fee_tier="in_cycle",outcome="accepted"}') === 1 && m;
    });
    expect(sample(metrics, 'domain_events_recorded_total{type="cycle_started"}')).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'ceu_completions_total{outcome="accepted"}')).toBeUndefined();
    // The Temporal core's own worker metrics, proxied into the same scrape.
    expect(metrics).toMatch(/^temporal_\w+/m);
    expect(metrics).toContain('process_cpu_user_seconds_total');

    const api = await text(apiMetrics.url);
    expect(sample(api, 'ceu_completions_total{outcome="accepted"}')).toBe(2);
  });

  it('when the worker records the facts, then its activity log lines carry the request id of the API call', async () => {
    const recorded = await eventually(() =>
      Promise.resolve(
        worker.lines
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .filter((l) => l.msg === 'domain event recorded'),
      ).then((found) => found.some((l) => l.eventType === 'application_received') && found),
    );
    expect(recorded.find((l) => l.eventType === 'cycle_started')).toMatchObject({
      requestId: REQUEST_ID,
      workflowId: credentialWorkflowId(NUMBER),
      service: 'worker',
      level: 'debug',
    });
    expect(recorded.find((l) => l.eventType === 'application_received')).toMatchObject({
      requestId: 'obs-apply-0001',
    });
  });

  it('when the worker bundles and runs activities, then info stays quiet: one-line messages, no recorded-fact lines, no task tokens', () => {
    const lines = worker.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const info = lines.filter((l) => l.level === 'info');
    // The webpack report of the bundle built at start is there, at debug; its summary is at info.
    expect(lines.some((l) => l.level === 'debug' && String(l.msg).includes('webpack'))).toBe(true);
    expect(info.map((l) => l.msg)).toContain('Workflow bundle created');
    expect(info.filter((l) => String(l.msg).includes('\n'))).toEqual([]);
    expect(info.filter((l) => l.msg === 'domain event recorded')).toEqual([]);
    // Activity lines (debug) carry their attributes, never the task token.
    expect(lines.some((l) => l.activityType !== undefined)).toBe(true);
    expect(lines.filter((l) => 'taskToken' in l)).toEqual([]);
  });

  it('when the worker starts, then its banner says where the metrics are bound, and /health reports it polling', async () => {
    const banner = worker.lines.find((l) => l.includes('worker metrics listening'));
    const port = new URL(workerMetricsUrl).port;
    expect(JSON.parse(banner ?? '{}')).toMatchObject({ bound: `127.0.0.1:${port}` });
    const health = await fetch(new URL('/health', workerMetricsUrl));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
  });

  it('when everything is logged, then no line holds the holder name or e-mail', () => {
    const all = [...apiLog, ...worker.lines].join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(HOLDER.name);
    expect(all).not.toContain(HOLDER.email);
  });
});
