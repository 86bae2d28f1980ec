import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createApp, type AppDeps } from '../../api/app';
import { type OpenApiDocument, openApiPath } from '../../api/openapi';
import { TokenBuckets } from '../../api/rate-limit';
import { ROUTES } from '../../api/routes';
import type { ApiKeyRecord, Repository } from '../../db/types';
import { COMMAND_REJECTED } from '../../workflows/contract';
import { type HttpClient, httpClient } from '../support/http';

// Pure HTTP concerns (auth, parsing, limits, error mapping, documentation) over real HTTP, with a fake
// Temporal client and repository. Every success path runs against the real stack in api-*.test.ts.

const KEYS: Record<string, ApiKeyRecord> = {
  rk_service: { id: 'key-service', role: 'service', label: 'test' },
  rk_portal: { id: 'key-portal', role: 'portal', label: 'test' },
  rk_ops: { id: 'key-ops', role: 'ops', label: 'test' },
};

function fakeRepository(): jest.Mocked<Repository> {
  return {
    saveHolder: jest.fn(),
    findHolder: jest.fn(),
    recordEvent: jest.fn(),
    recordReminder: jest.fn(),
    recordRejectedCommand: jest.fn().mockResolvedValue(undefined),
    findCredential: jest.fn().mockResolvedValue(null),
    findRecords: jest.fn().mockResolvedValue(null),
    history: jest.fn().mockResolvedValue([]),
    listCredentials: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
    createApiKey: jest.fn(),
    findApiKey: jest.fn((token: string) => Promise.resolve(KEYS[token] ?? null)),
    close: jest.fn(),
  };
}

interface FakeHandle {
  query: jest.Mock;
  signal: jest.Mock;
  executeUpdate: jest.Mock;
  describe: jest.Mock;
}

function fakeClient() {
  const handle: FakeHandle = {
    query: jest.fn(),
    signal: jest.fn().mockResolvedValue(undefined),
    executeUpdate: jest.fn(),
    describe: jest.fn(),
  };
  const getSystemInfo = jest.fn().mockResolvedValue({});
  const client = {
    workflow: { getHandle: jest.fn(() => handle), start: jest.fn() },
    workflowService: { getSystemInfo },
    connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
  } as unknown as Client;
  return { client, handle, getSystemInfo };
}

async function listen(deps: AppDeps): Promise<{ server: Server; call: HttpClient }> {
  const app = createApp(deps);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, call: httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`) };
}

describe('API over HTTP with fake dependencies: auth, parsing, limits, error mapping, docs', () => {
  let server: Server;
  let call: HttpClient;
  let repository: jest.Mocked<Repository>;
  let fake: ReturnType<typeof fakeClient>;

  beforeAll(async () => {
    repository = fakeRepository();
    fake = fakeClient();
    ({ server, call } = await listen({
      client: fake.client,
      repository,
      taskQueue: 'unused',
    }));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    fake.handle.query.mockReset();
    fake.handle.executeUpdate.mockReset();
    fake.handle.describe.mockReset();
    repository.recordRejectedCommand.mockClear();
  });

  const application = { paymentReference: 'pay-1', amountPaidCents: 9900 };

  describe('authentication and roles', () => {
    it('when no API key is sent, then it is a 401 with WWW-Authenticate', async () => {
      const answer = await call('POST', '/credentials/CPT-1/applications', { body: application });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="recertify"');
      expect(answer.body.error.code).toBe('unauthorized');
    });

    it('when an unknown key is sent, then it is a 401 saying the token is invalid', async () => {
      const answer = await call('GET', '/credentials', { token: 'rk_nobody' });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('when a key of the wrong role is sent, then it is a 403 naming the role needed', async () => {
      const answer = await call('POST', '/credentials/CPT-1/applications', {
        token: 'rk_service',
        body: application,
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error.message).toContain('portal');
    });

    it.each([
      ['POST', '/credentials', 'rk_portal'],
      ['POST', '/credentials/CPT-1/ceu-completions', 'rk_portal'],
      ['POST', '/credentials/CPT-1/ceu-completions', 'rk_ops'],
      ['POST', '/credentials/CPT-1/cpr-aed', 'rk_service'],
      ['POST', '/credentials/CPT-1/petitions', 'rk_ops'],
      ['POST', '/credentials/CPT-1/petitions/p-1/decision', 'rk_portal'],
      ['GET', '/credentials/CPT-1/fee-quote', 'rk_service'],
      ['POST', '/credentials/CPT-1/applications', 'rk_ops'],
      ['POST', '/credentials/CPT-1/audit/documents', 'rk_ops'],
      ['POST', '/credentials/CPT-1/audit/decision', 'rk_portal'],
      ['POST', '/credentials/CPT-1/revocation', 'rk_portal'],
      ['GET', '/credentials/CPT-1', 'rk_service'],
      ['GET', '/credentials/CPT-1/history', 'rk_portal'],
      ['GET', '/credentials', 'rk_portal'],
    ] as const)('when %s %s is called with %s, then it is a 403', async (method, path, token) => {
      const answer = await call(method, path, { token, ...(method === 'POST' ? { body: {} } : {}) });
      expect(answer.status).toBe(403);
    });

    it('when the public routes are called without a key, then none asks for one', async () => {
      fake.handle.query.mockRejectedValueOnce(
        new WorkflowNotFoundError('gone', 'credential-CPT-9', undefined),
      );
      for (const path of ['/health', '/ready', '/openapi.json', '/docs', '/verify/CPT-9']) {
        expect((await call('GET', path)).status).not.toBe(401);
      }
    });
  });

  describe('bodies that are not what the route expects', () => {
    const post = (options: Parameters<HttpClient>[2]) =>
      call('POST', '/credentials/CPT-1/applications', { token: 'rk_portal', ...options });

    it('when the JSON is malformed, then it is a 400 malformed_json', async () => {
      const answer = await post({ rawBody: '{"paymentReference": ' });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('malformed_json');
    });

    it('when the body is a JSON string rather than an object, then it is a 400', async () => {
      expect((await post({ rawBody: '"hello"' })).status).toBe(400);
    });

    it('when the body is over 64 KB, then it is a 413', async () => {
      const answer = await post({ body: { ...application, padding: 'x'.repeat(70_000) } });
      expect(answer.status).toBe(413);
      expect(answer.body.error.code).toBe('payload_too_large');
    });

    it('when the content type is not JSON, then it is a 415', async () => {
      const answer = await post({
        rawBody: 'paymentReference=pay-1',
        headers: { 'content-type': 'text/plain' },
      });
      expect(answer.status).toBe(415);
    });

    it('when a field is unknown, then it is a 400 naming it', async () => {
      const answer = await post({ body: { ...application, discount: 10 } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([
        expect.objectContaining({ field: '(body)', code: 'unrecognized_keys' }),
      ]);
      expect(answer.body.error.details[0]?.message).toContain('discount');
    });

    it('when the amount is a string of dollars, then a 400 says to send integer cents', async () => {
      const answer = await post({ body: { paymentReference: 'pay-1', amountPaidCents: '$99.00' } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([
        expect.objectContaining({ field: 'amountPaidCents', message: expect.stringContaining('cents') }),
      ]);
    });

    it('when a field is missing, then the 400 names it', async () => {
      const answer = await post({ body: { amountPaidCents: 9900 } });
      expect(answer.body.error.details.map((d) => d.field)).toEqual(['paymentReference']);
    });

    it('when CEUs have three decimals, then the 400 quotes the rule from parseCeu', async () => {
      const answer = await call('POST', '/credentials/CPT-1/ceu-completions', {
        token: 'rk_service',
        body: {
          provider: 'acme',
          completionId: 'c-1',
          course: 'Course',
          units: '0.505',
          completedOn: '2026-01-01',
          approved: true,
        },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([
        expect.objectContaining({ field: 'units', message: expect.stringContaining('at most two decimals') }),
      ]);
    });

    it('when text carries a NUL or other control character, then it is a 400 and nothing reaches the workflow', async () => {
      fake.handle.signal.mockClear();
      const answer = await call('POST', '/credentials/CPT-1/ceu-completions', {
        token: 'rk_service',
        body: {
          provider: 'acme\u0007',
          completionId: 'c-1',
          course: 'Course\u0000',
          units: '0.50',
          completedOn: '2026-01-01',
          approved: true,
        },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.map((d) => [d.field, d.message]).sort()).toEqual([
        ['course', 'must not contain control characters'],
        ['provider', 'must not contain control characters'],
      ]);
      expect(fake.handle.signal).not.toHaveBeenCalled();
    });

    it('when the credential number in the path is malformed, then it is a 400 on "number"', async () => {
      const answer = await call('GET', '/credentials/x/fee-quote', { token: 'rk_portal' });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details[0]?.field).toBe('number');
    });

    it('when the query has an unknown or bad parameter, then it is a 400', async () => {
      const bad = await call('GET', '/credentials?limit=500&colour=red', { token: 'rk_ops' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d) => d.field).sort()).toEqual(['(body)', 'limit']);
      expect((await call('GET', '/credentials?phase=Sleeping', { token: 'rk_ops' })).status).toBe(400);
      expect((await call('GET', '/credentials?phase=Active&phase=Lapsed', { token: 'rk_ops' })).status).toBe(
        400,
      );
    });

    it('when the cursor was not produced by the service, then it is a 400 on "cursor"', async () => {
      const { InvalidCursorError } = await import('../../db/cursor');
      repository.listCredentials.mockRejectedValueOnce(new InvalidCursorError());
      const answer = await call('GET', '/credentials?cursor=bogus', { token: 'rk_ops' });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details[0]?.field).toBe('cursor');
    });

    it('when the Idempotency-Key has control characters or is too long, then it is a 400', async () => {
      const answer = await post({ body: application, headers: { 'idempotency-key': 'k'.repeat(201) } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details[0]?.field).toBe('Idempotency-Key');
    });

    it('when the route does not exist, then it is a 404 pointing at /docs', async () => {
      const answer = await call('GET', '/nowhere');
      expect(answer.status).toBe(404);
      expect(answer.body.error.message).toContain('/docs');
    });
  });

  describe('Temporal answers as HTTP answers', () => {
    it('when the workflow validator rejects, then it is a 422 with every reason, and the refusal is recorded', async () => {
      const reasons = [
        { code: 'insufficient_ceus', message: '0.40 CEUs short.' },
        { code: 'underpaid', message: 'Paid $50.00 of $99.00.' },
      ];
      fake.handle.executeUpdate.mockRejectedValueOnce(
        new WorkflowUpdateFailedError(
          'Workflow Update failed',
          ApplicationFailure.create({ type: COMMAND_REJECTED, message: 'rejected', details: [reasons] }),
        ),
      );
      const answer = await call('POST', '/credentials/CPT-1/applications', {
        token: 'rk_portal',
        body: { paymentReference: 'pay-1', amountPaidCents: 5000 },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error).toMatchObject({ code: 'rejected', details: reasons });
      expect(repository.recordRejectedCommand).toHaveBeenCalledWith(
        expect.objectContaining({
          credentialNumber: 'CPT-1',
          type: 'submitApplication',
          actor: { kind: 'portal', id: 'key-portal' },
          reasons,
        }),
      );
    });

    it('when every reason is "closed", then it is a 409 closed', async () => {
      fake.handle.executeUpdate.mockRejectedValueOnce(
        new WorkflowUpdateFailedError(
          'Workflow Update failed',
          ApplicationFailure.create({
            type: COMMAND_REJECTED,
            message: 'rejected',
            details: [[{ code: 'closed', message: 'The credential is revoked.' }]],
          }),
        ),
      );
      const answer = await call('POST', '/credentials/CPT-1/revocation', {
        token: 'rk_ops',
        body: { reason: 'x' },
      });
      expect(answer.status).toBe(409);
      expect(answer.body.error.code).toBe('closed');
    });

    it('when the run is moving into its next cycle, then it is a 409 with Retry-After', async () => {
      fake.handle.executeUpdate.mockRejectedValueOnce(
        new WorkflowUpdateFailedError(
          'Workflow Update failed',
          ApplicationFailure.create({
            type: COMMAND_REJECTED,
            message: 'rejected',
            details: [[{ code: 'renewal_in_progress', message: 'send the command again in a moment' }]],
          }),
        ),
      );
      const answer = await call('POST', '/credentials/CPT-1/revocation', {
        token: 'rk_ops',
        body: { reason: 'x' },
      });
      expect(answer.status).toBe(409);
      expect(answer.headers.get('retry-after')).toBe('1');
    });

    it('when the workflow has completed, then an update is a 409 closed, and an unknown one a 404', async () => {
      fake.handle.executeUpdate.mockRejectedValue(
        new WorkflowNotFoundError('done', 'credential-CPT-1', undefined),
      );
      fake.handle.describe.mockResolvedValueOnce({ status: { name: 'COMPLETED' } });
      const closed = await call('POST', '/credentials/CPT-1/revocation', {
        token: 'rk_ops',
        body: { reason: 'x' },
      });
      expect(closed.status).toBe(409);
      expect(closed.body.error.code).toBe('closed');

      fake.handle.describe.mockRejectedValueOnce(
        new WorkflowNotFoundError('none', 'credential-CPT-1', undefined),
      );
      const unknown = await call('POST', '/credentials/CPT-1/revocation', {
        token: 'rk_ops',
        body: { reason: 'x' },
      });
      expect(unknown.status).toBe(404);
    });

    it('when PostgreSQL cannot be reached, then it is a 503 with Retry-After, not a 500', async () => {
      const down = Object.assign(new Error("Can't reach database server"), {
        name: 'PrismaClientKnownRequestError',
        code: 'P1001',
      });
      repository.findApiKey.mockRejectedValueOnce(down);
      const answer = await call('GET', '/credentials/CPT-1', { token: 'rk_ops' });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.body.error.code).toBe('unavailable');
    });

    it('when something unexpected fails, then it is a 500 that leaks nothing', async () => {
      const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      fake.handle.query.mockRejectedValueOnce(new Error('password=hunter2 at db.internal:5432'));
      const answer = await call('GET', '/credentials/CPT-1', { token: 'rk_ops' });
      expect(answer.status).toBe(500);
      expect(JSON.stringify(answer.body)).not.toContain('hunter2');
      expect(answer.body.error).toEqual({ code: 'internal', message: 'Internal error.', details: [] });
      spy.mockRestore();
    });
  });

  describe('liveness and readiness', () => {
    it('when asked, then /health answers 200', async () => {
      expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    });

    it('when Temporal does not answer, then /ready is a 503 naming it; when both answer, 200', async () => {
      fake.getSystemInfo.mockRejectedValueOnce(new Error('connection refused'));
      const down = await call('GET', '/ready');
      expect(down).toMatchObject({
        status: 503,
        body: { status: 'unavailable', checks: { database: 'ok', temporal: 'unavailable' } },
      });
      repository.findCredential.mockRejectedValueOnce(new Error('db down'));
      expect((await call<{ checks: unknown }>('GET', '/ready')).body.checks).toEqual({
        database: 'unavailable',
        temporal: 'ok',
      });
      expect((await call('GET', '/ready')).status).toBe(200);
    });
  });

  describe('OpenAPI document and docs page', () => {
    it('when the app is built, then every mounted express route is in the OpenAPI document and vice versa', async () => {
      const app = createApp({ client: fake.client, repository, taskQueue: 'unused' });
      const mounted = (app.router.stack as { route?: { path: string; methods: Record<string, boolean> } }[])
        .filter((layer) => layer.route)
        .flatMap((layer) =>
          Object.keys(layer.route!.methods).map((method) => `${method} ${openApiPath(layer.route!.path)}`),
        )
        .sort();
      const { body: doc } = await call<OpenApiDocument>('GET', '/openapi.json');
      const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
        .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
        .sort();
      expect(mounted).toEqual(documented);
      expect(mounted).toHaveLength(ROUTES.length);
      expect(doc.openapi).toBe('3.1.0');
    });

    it('when a route takes a body, then its documented schema is the zod schema (strict, with formats)', async () => {
      const { body: doc } = await call<OpenApiDocument>('GET', '/openapi.json');
      expect(doc.paths['/credentials/{number}/applications']).toEqual({
        post: expect.objectContaining({
          'x-roles': ['portal'],
          parameters: [
            expect.objectContaining({ name: 'number', in: 'path', required: true }),
            expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
          ],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: expect.objectContaining({
                  type: 'object',
                  additionalProperties: false,
                  required: ['paymentReference', 'amountPaidCents'],
                  properties: expect.objectContaining({
                    amountPaidCents: expect.objectContaining({ type: 'integer' }),
                  }),
                }),
              },
            },
          },
          responses: expect.objectContaining({ 201: expect.anything(), 422: expect.anything() }),
        }),
      });
      expect(doc.paths['/verify/{number}']).toEqual({ get: expect.objectContaining({ security: [] }) });
    });

    it('when /docs is opened, then it is a self-contained HTML page listing every operation', async () => {
      const page = await call<string>('GET', '/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      for (const route of ROUTES) expect(page.body).toContain(`id="${route.operationId}"`);
      expect(page.body).not.toMatch(/<script|https?:\/\/(?!json-schema)/);
    });
  });

  describe('public verification rate limit', () => {
    it('when one client exceeds its tokens, then it gets 429 with Retry-After', async () => {
      const limited = await listen({
        client: fake.client,
        repository,
        taskQueue: 'unused',
        verifyRateLimit: { capacity: 3, perMinute: 3 },
      });
      fake.handle.query.mockRejectedValue(new WorkflowNotFoundError('none', 'x', undefined));
      const answers = [];
      for (let i = 0; i < 4; i += 1) answers.push(await limited.call('GET', '/verify/CPT-404'));
      await new Promise((resolve) => limited.server.close(resolve));
      expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 429]);
      const last = answers[3]!;
      expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(last.body.error.code).toBe('rate_limited');
      // Not spent on other routes: the limit is the public lookup's.
      expect((await call('GET', '/health')).status).toBe(200);
    });
  });
});

describe('TokenBuckets', () => {
  it('when a key spends its burst, then it waits for the refill, and other keys are unaffected', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 30, perMinute: 30, now: () => now });
    for (let i = 0; i < 30; i += 1) expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(buckets.take('b').ok).toBe(true);
    now += 1_000;
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false);
    now += 60_000;
    for (let i = 0; i < 30; i += 1) expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false);
  });

  it('when more clients than the bound are seen, then the memory stays bounded', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 2, perMinute: 60, now: () => now, maxClients: 100 });
    for (let i = 0; i < 1_000; i += 1) {
      buckets.take(`ip-${i}`);
      now += 10;
    }
    expect(buckets.size).toBeLessThanOrEqual(100);
  });
});
