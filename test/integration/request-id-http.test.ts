import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createApiMetrics } from '../../api/metrics';
import type { Repository } from '../../db/types';
import { createLogger } from '../../observability/logger';
import { type HttpClient, httpClient } from '../support/http';

// Request ids and error logs over real HTTP with a fake Temporal client and repository; the real
// stack (request id into the workflow, worker logs, metrics) is in observability.test.ts.

describe('request ids and error logs over HTTP, with fake dependencies', () => {
  let server: Server;
  let call: HttpClient;
  const lines: string[] = [];
  const query = jest.fn();
  const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    const repository = {
      findApiKey: (token: string) =>
        Promise.resolve(token === 'rk_ops' ? { id: 'key-ops', role: 'ops', label: 'test' } : null),
      findCredential: () => Promise.resolve(null),
      findRecords: () => Promise.resolve(null),
      readCredential: () => Promise.resolve(null),
      findHolder: () => Promise.resolve(null),
    } as unknown as Repository;
    const client = {
      workflow: { getHandle: () => ({ query }) },
      connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
    } as unknown as Client;
    const logger = createLogger({ level: 'info', destination: { write: (l) => lines.push(l) } });
    const app = createApp({ client, repository, taskQueue: 'unused', logger, metrics: createApiMetrics() });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    call = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('when a request has no X-Request-Id, then a UUID is made, echoed and logged with the route pattern', async () => {
    const answer = await call('GET', '/credentials/CPT-9/history', { token: 'nope' });
    expect(answer.status).toBe(401);
    const id = answer.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(logged()).toContainEqual(
      expect.objectContaining({
        msg: 'request',
        requestId: id,
        route: '/credentials/:number/history',
        status: 401,
      }),
    );
  });

  it('when the caller sends a well-formed X-Request-Id, then it is kept; an over-long one is replaced', async () => {
    expect(
      (await call('GET', '/health', { headers: { 'x-request-id': 'edge-42.a:b_c' } })).headers.get(
        'x-request-id',
      ),
    ).toBe('edge-42.a:b_c');
    const long = 'a'.repeat(129);
    expect(
      (await call('GET', '/health', { headers: { 'x-request-id': long } })).headers.get('x-request-id'),
    ).not.toBe(long);
  });

  it('when no route matches, then the line says so without the raw path', async () => {
    const answer = await call('GET', '/nothing/CPT-SECRET');
    expect(answer.status).toBe(404);
    const line = logged().find((l) => l.requestId === answer.headers.get('x-request-id'));
    expect(line).toMatchObject({ route: 'unmatched', status: 404 });
    expect(JSON.stringify(line)).not.toContain('CPT-SECRET');
  });

  it('when something unexpected fails, then the error is logged with the request id and the key id, not the token', async () => {
    query.mockRejectedValueOnce(new Error('boom at db.internal'));
    const answer = await call('GET', '/credentials/CPT-1', {
      token: 'rk_ops',
      headers: { 'x-request-id': 'req-500' },
    });
    expect(answer.status).toBe(500);
    const forRequest = logged().filter((l) => l.requestId === 'req-500');
    expect(forRequest).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'unhandled error',
        err: expect.objectContaining({ message: 'boom at db.internal' }),
      }),
    );
    expect(forRequest).toContainEqual(
      expect.objectContaining({ msg: 'request', status: 500, apiKeyId: 'key-ops' }),
    );
    expect(lines.join('\n')).not.toContain('rk_ops');
  });
});
