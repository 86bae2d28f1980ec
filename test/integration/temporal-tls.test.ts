import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalTarget } from '../../config/temporal';
import { createDb } from '../../db/client';
import { createRepository } from '../../db/repository';
import type { Repository } from '../../db/types';
import { addDays, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import { makeTestCertificates } from '../support/certificates';
import { type GrpcTlsProxy, startGrpcTlsProxy } from '../support/grpc-tls-proxy';
import { eventually, type HttpClient, httpClient } from '../support/http';
import { type NodeProcess, startEntry, stopEntry, TSX } from '../support/node-process';
import { freePort, startDevServer } from '../support/temporal';

// Every process reaches a secured Temporal through the same configuration: the worker, the API, the
// import CLI and the search-attribute script, each started by its real entry point with only
// TEMPORAL_* variables (mTLS client certificate, server CA and name, API key). The dev server cannot
// serve TLS (`temporal server start-dev` has no TLS option), so a TLS-terminating gRPC proxy stands
// in front of it: it demands a client certificate signed by the test CA and the API key on every call.

const ROOT = path.resolve(__dirname, '..', '..');
const TASK_QUEUE = 'tls';
const API_KEY = 'test-temporal-api-key';
const today = dateAt(Date.now(), NASM_CPT.timeZone);

describe('a secured Temporal (mTLS + API key), reached by every process through config/temporal.ts', () => {
  let server: TestWorkflowEnvironment;
  let proxy: GrpcTlsProxy;
  let repository: Repository;
  let worker: NodeProcess;
  let api: NodeProcess;
  let call: HttpClient;
  let opsToken: string;
  /** Only Temporal's own variables say where and how to connect. */
  let temporalEnv: Record<string, string>;
  let childEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
    server = await startDevServer();
    const certs = await makeTestCertificates();
    proxy = await startGrpcTlsProxy({
      upstream: server.address,
      cert: certs.server.cert.text,
      key: certs.server.key.text,
      ca: certs.ca.text,
      apiKey: API_KEY,
    });
    const scratch = await mkdtemp(path.join(tmpdir(), 'recertify-tls-env-'));
    temporalEnv = {
      TEMPORAL_ADDRESS: proxy.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_API_KEY: API_KEY,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.ca.path,
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
      TEMPORAL_TLS_CLIENT_CERT_PATH: certs.client.cert.path,
      TEMPORAL_TLS_CLIENT_KEY_PATH: certs.client.key.path,
      // No profile file of whoever runs the tests.
      TEMPORAL_CONFIG_FILE: path.join(scratch, 'no-profile.toml'),
    };
    const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_'));
    const port = await freePort();
    childEnv = {
      ...Object.fromEntries(inherited),
      ...temporalEnv,
      DATABASE_URL: url,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      PORT: String(port),
      API_METRICS_PORT: '0',
      WORKER_METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    };
    repository = createRepository(createDb(url));
    opsToken = (await repository.createApiKey('ops', 'tls test')).token;
    worker = startEntry('worker/main.ts', childEnv);
    api = startEntry('api/main.ts', childEnv);
    call = httpClient(`http://127.0.0.1:${port}`);
    await Promise.all([worker.waitFor(/"state":"RUNNING"/), api.waitFor(/API listening/)]);
  });

  afterAll(async () => {
    await Promise.all([stopEntry(worker), stopEntry(api)]);
    await proxy?.close();
    await repository?.close();
    await server?.teardown();
  });

  it('when the worker and the API start, then they connect over mTLS with the API key and say so', async () => {
    const connected = JSON.parse(await worker.waitFor(/connected to Temporal/)) as { temporal: string };
    expect(connected.temporal).toBe(`${proxy.address} namespace default (mTLS, API key)`);
    const listening = JSON.parse(await api.waitFor(/API listening/)) as { temporal: string };
    expect(listening.temporal).toBe(connected.temporal);
    expect(worker.lines.join('\n')).not.toContain(API_KEY);
    const ready = await call('GET', '/ready');
    expect(ready.status).toBe(200);
  });

  it('when a credential is enrolled over HTTP, then the API starts it and the worker runs it, both through the secured endpoint', async () => {
    const enrolled = await call('POST', '/credentials', {
      token: opsToken,
      body: {
        credentialNumber: 'TLS-1',
        certificationDate: addDays(today, -30),
        holder: { name: 'Tess Layer', email: 'tess@example.com' },
      },
    });
    expect(enrolled.status).toBe(202);
    // The row is written by the worker's activity; the answer's live state comes from a query.
    const credential = await eventually(async () => {
      const answer = await call<{ state: { phase: string } }>('GET', '/credentials/TLS-1', {
        token: opsToken,
      });
      return answer.status === 200 && answer;
    });
    expect(credential.body.state.phase).toBe('Active');
    const methods = new Set(proxy.forwarded.map((m) => m.slice(m.lastIndexOf('/') + 1)));
    for (const method of [
      'StartWorkflowExecution',
      'PollWorkflowTaskQueue',
      'PollActivityTaskQueue',
      'QueryWorkflow',
    ]) {
      expect([method, methods.has(method)]).toEqual([method, true]);
    }
  });

  it('when the search-attribute script and the import CLI use the same variables, then they get through too', async () => {
    const run = promisify(execFile);
    const registered = await run(TSX, ['scripts/register-search-attributes.ts'], {
      cwd: ROOT,
      env: childEnv,
    });
    expect(registered.stdout).toContain(
      `namespace default (exists) and search attributes registered on ${proxy.address}`,
    );

    const dir = await mkdtemp(path.join(tmpdir(), 'recertify-tls-import-'));
    const file = path.join(dir, 'credentials.csv');
    await writeFile(
      file,
      `credentialNumber,certificationDate,holderName,holderEmail\nTLS-2,${addDays(today, -40)},Ivo Import,ivo@example.com\n`,
    );
    const imported = await run(TSX, ['scripts/import.ts', file, '--json'], { cwd: ROOT, env: childEnv });
    expect(JSON.parse(imported.stdout)).toMatchObject({ rows: 1, started: 1, failed: 0 });
  });

  it('when the API key or the client certificate is missing, then the secured endpoint refuses the connection', async () => {
    const refusedBefore = proxy.refused.length;
    const withoutKey = temporalTarget({ ...temporalEnv, TEMPORAL_API_KEY: '', TEMPORAL_TLS: 'true' });
    await expect(Connection.connect(withoutKey.connectionOptions)).rejects.toThrow();
    expect(proxy.refused.length).toBeGreaterThan(refusedBefore);

    const withoutCertificate = temporalTarget({
      ...temporalEnv,
      TEMPORAL_TLS_CLIENT_CERT_PATH: '',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '',
    });
    expect(withoutCertificate.description).toBe(`${proxy.address} namespace default (TLS, API key)`);
    const handshakesBefore = proxy.handshakeFailures.length;
    await expect(
      Connection.connect({ ...withoutCertificate.connectionOptions, connectTimeout: 5_000 }),
    ).rejects.toThrow();

    expect(proxy.handshakeFailures.slice(handshakesBefore).join('\n')).toMatch(/certificate/i);

    const plaintext = temporalTarget({ ...temporalEnv, TEMPORAL_TLS: 'false' });
    await expect(
      Connection.connect({ ...plaintext.connectionOptions, connectTimeout: 5_000 }),
    ).rejects.toThrow();
  });
});
