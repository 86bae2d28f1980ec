import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createApp, type AppDeps } from '../../api/app';
import { loadConfig } from '../../config';
import { type OpenApiDocument, openApiPath } from '../../api/openapi';
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
  rk_ops_unseen: { id: 'key-ops-unseen', role: 'ops', label: 'never used before the outage test' },
};

function fakeRepository(): jest.Mocked<Repository> {
  return {
    saveHolder: jest.fn(),
    findHolder: jest.fn(),
    recordEvents: jest.fn(),
    recordEvent: jest.fn(),
    recordReminder: jest.fn(),
    recordRejectedCommand: jest.fn().mockResolvedValue(undefined),
    findCredential: jest.fn().mockResolvedValue(null),
    findRecords: jest.fn().mockResolvedValue(null),
    history: jest.fn().mockResolvedValue([]),
    listCredentials: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
    findCredentialState: jest.fn().mockResolvedValue(null),
    readCredential: jest.fn().mockResolvedValue(null),
    markWorkflowStatus: jest.fn(),
    abnormalWorkflows: jest.fn().mockResolvedValue([]),
    reportOutcome: jest.fn().mockResolvedValue(null),
    reportOutcomesFor: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
    reportOutcomeFeed: jest.fn().mockResolvedValue({ items: [], nextCursor: null }),
    recordedReport: jest.fn().mockResolvedValue(null),
    findCommandReceipt: jest.fn().mockResolvedValue(null),
    saveCommandReceipt: jest.fn(),
    policyVersions: jest.fn().mockResolvedValue([]),
    allPolicyVersions: jest.fn().mockResolvedValue([]),
    addPolicyVersion: jest.fn(),
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
      // A key the process has looked up is trusted for a while (api-key-cache.ts): use a new one.
      const answer = await call('GET', '/credentials/CPT-1', { token: 'rk_ops_unseen' });
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

    it('when /docs is opened, then it is Swagger UI loading only scripts and styles the API serves itself', async () => {
      const page = await call<string>('GET', '/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
      // Nothing inline, nothing from another origin.
      expect(page.body).not.toMatch(/<script>|<style|https?:/);
      const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
      expect(assets.sort()).toEqual(
        [
          '/docs/assets/favicon-16x16.png',
          '/docs/assets/favicon-32x32.png',
          '/docs/assets/init.js',
          '/docs/assets/swagger-ui-bundle.js',
          '/docs/assets/swagger-ui.css',
        ].sort(),
      );
      for (const asset of assets) {
        const answer = await call<string>('GET', asset);
        expect([asset, answer.status]).toEqual([asset, 200]);
        expect(answer.headers.get('content-type')).toMatch(/javascript|css|image\/png/);
      }
      const init = await call<string>('GET', '/docs/assets/init.js');
      expect(init.body).toContain("url: '/openapi.json'");
      // The rest of swagger-ui-dist (a demo page pointing at petstore.swagger.io) is not served.
      expect((await call('GET', '/docs/assets/index.html')).status).toBe(404);
      expect((await call('GET', '/docs/assets/swagger-initializer.js')).status).toBe(404);
    });
  });

  describe('public verification rate limit', () => {
    beforeEach(() => {
      fake.handle.query.mockRejectedValue(new WorkflowNotFoundError('none', 'x', undefined));
    });

    /** Statuses of `count` lookups, in order, each from the X-Forwarded-For address given (if any). */
    async function lookups(client: HttpClient, count: number, forwardedFor?: string): Promise<number[]> {
      const statuses: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const headers: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
        statuses.push((await client('GET', '/verify/CPT-404', { headers })).status);
      }
      return statuses;
    }

    it('when one client makes a 31st lookup within the minute, then it gets 429 with Retry-After and the error body', async () => {
      const own = await listen({ client: fake.client, repository, taskQueue: 'unused' });
      try {
        expect(await lookups(own.call, 30)).toEqual(Array<number>(30).fill(404));
        const limited = await own.call('GET', '/verify/CPT-404');
        expect(limited.status).toBe(429);
        const retryAfter = Number(limited.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(limited.body.error).toEqual({
          code: 'rate_limited',
          message: `Too many requests: retry in ${retryAfter} s.`,
          details: [],
        });
        // The budget is announced on every answer: 30 per 60-second window.
        expect(limited.headers.get('ratelimit-policy')).toMatch(/q=30; w=60/);
        // Not spent on other routes: the limit is the public lookup's.
        expect((await own.call('GET', '/health')).status).toBe(200);
      } finally {
        await new Promise((resolve) => own.server.close(resolve));
      }
    });

    it('when a smaller budget is configured, then it applies', async () => {
      const own = await listen({
        client: fake.client,
        repository,
        taskQueue: 'unused',
        verifyRateLimit: { limit: 3, windowMs: 60_000 },
      });
      try {
        expect(await lookups(own.call, 4)).toEqual([404, 404, 404, 429]);
      } finally {
        await new Promise((resolve) => own.server.close(resolve));
      }
    });

    it('when TRUST_PROXY names the proxy, then clients behind it (X-Forwarded-For) have separate budgets', async () => {
      const { TRUST_PROXY } = loadConfig({ TRUST_PROXY: 'loopback' });
      const own = await listen({
        client: fake.client,
        repository,
        taskQueue: 'unused',
        trustProxy: TRUST_PROXY,
      });
      try {
        expect(await lookups(own.call, 31, '203.0.113.7')).toEqual([...Array<number>(30).fill(404), 429]);
        expect(await lookups(own.call, 1, '198.51.100.9')).toEqual([404]);
      } finally {
        await new Promise((resolve) => own.server.close(resolve));
      }
    });

    it('when TRUST_PROXY is not set, then X-Forwarded-For is ignored and they share one budget', async () => {
      const { TRUST_PROXY } = loadConfig({});
      const own = await listen({
        client: fake.client,
        repository,
        taskQueue: 'unused',
        trustProxy: TRUST_PROXY,
      });
      try {
        expect(await lookups(own.call, 30, '203.0.113.7')).toEqual(Array<number>(30).fill(404));
        expect(await lookups(own.call, 1, '198.51.100.9')).toEqual([429]);
      } finally {
        await new Promise((resolve) => own.server.close(resolve));
      }
    });
  });
});

describe('TRUST_PROXY configuration', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.168.1.4,fd00::/8', ['10.0.0.0/8', '192.168.1.4', 'fd00::/8']],
  ])('when TRUST_PROXY is %p, then Express gets %p', (raw, expected) => {
    expect(loadConfig(raw === undefined ? {} : { TRUST_PROXY: raw }).TRUST_PROXY).toEqual(expected);
  });

  it.each(['proxy.internal', '10.0.0.0/33', '10.0.0.1,,10.0.0.2', '-1'])(
    'when TRUST_PROXY is %p, then the configuration is refused naming the variable and what to use',
    (raw) => {
      expect(() => loadConfig({ TRUST_PROXY: raw })).toThrow(
        /^Invalid configuration: TRUST_PROXY: .+: use false, true, a number of proxy hops, or a comma-separated list/,
      );
    },
  );
});
