import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { createApp } from '../../api/app';
import { ROUTES } from '../../api/routes';
import { policyOutside } from '../../api/schemas/policies';
import { createWorkflowReconciler } from '../../api/workflow-reconciler';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { ACE_CPT, NASM_CPT } from '../../rules/policies';
import { credentialWorkflowId } from '../../workflows/contract';
import { type CallOptions, eventually, type HttpAnswer, httpClient, type HttpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';

// Every operation's success and main error answers, produced by real requests over HTTP against the
// real stack (Temporal dev server, worker, PostgreSQL), each validated against the API's own
// OpenAPI document (JSON Schema 2020-12, ajv). An answer whose status the document does not list,
// or whose body its schema refuses, fails; so does a status a route lists that no request here
// produced (a new route or status needs its request here, and its schema in api/responses.ts).

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Json } };

/** Statuses listed by a route that no real request can produce here, and why. */
const NOT_PRODUCED: Readonly<Record<string, string>> = {
  'revokeCredential 422':
    'revocation has no refusal of its own: a revoked or lapsed credential answers 409 closed',
};

describe('every answer of the real stack matches the OpenAPI document', () => {
  let stack: Stack;
  let call: HttpClient;
  let doc: Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();
  const seen = new Set<string>();
  const keys = { service: '', portal: '', ops: '', portal2: '' };
  const today = dateAt(Date.now(), NASM_CPT.timeZone);
  // In the last days of its first cycle: every command is open, in real time.
  const certifiedOn = addDays(addYears(today, -2), 10);

  /** The operation a concrete path and method belong to, from the document's path templates. */
  function operationOf(method: string, path: string): Operation {
    const bare = path.split('?')[0] ?? path;
    for (const [template, methods] of Object.entries(doc.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      const operation = methods[method.toLowerCase()];
      if (pattern.test(bare) && operation) return operation;
    }
    throw new Error(`the document has no operation ${method} ${bare}`);
  }

  /** The schema with the Error component's reference resolved (each response schema stands alone). */
  function resolved(schema: Json): Json {
    return JSON.parse(JSON.stringify(schema), (_key, value: unknown) => {
      const ref = (value as { $ref?: unknown } | null)?.$ref;
      return typeof ref === 'string' && ref.startsWith('#/components/schemas/')
        ? doc.components.schemas[ref.slice('#/components/schemas/'.length)]
        : value;
    }) as Json;
  }

  /** Sends the request, expects the status, and validates the answer against the document. */
  async function expectAnswer<T = Json>(
    method: 'GET' | 'POST',
    path: string,
    status: number,
    options: CallOptions = {},
    client: HttpClient = call,
  ): Promise<HttpAnswer<T>> {
    const answer = await client<T>(method, path, options);
    const operation = operationOf(method, path);
    const where = `${operation.operationId} ${answer.status} (${method} ${path})`;
    expect([where, answer.status]).toEqual([where, status]);
    const response = operation.responses[String(answer.status)];
    expect([where, response ? 'documented' : 'status not in the document']).toEqual([where, 'documented']);
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0] ?? '';
    const media = response?.content?.[mediaType];
    expect([where, mediaType, media?.schema ? 'has a schema' : 'no schema']).toEqual([
      where,
      mediaType,
      'has a schema',
    ]);
    const key = `${operation.operationId} ${answer.status} ${mediaType}`;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(resolved(media?.schema ?? {}));
      validators.set(key, validate);
    }
    const valid = validate(answer.body);
    expect([where, valid ? [] : validate.errors]).toEqual([where, []]);
    seen.add(`${operation.operationId} ${answer.status}`);
    return answer;
  }

  const json = (token: string, body: unknown, headers: Record<string, string> = {}): CallOptions => ({
    token,
    body,
    headers,
  });

  beforeAll(async () => {
    stack = await startStack({ taskQueue: 'openapi-responses', auditDraw: () => 0 });
    call = httpClient(stack.baseUrl);
    for (const role of ['service', 'portal', 'ops'] as const) {
      keys[role] = (await stack.repository.createApiKey(role, `openapi ${role}`)).token;
    }
    // Another portal: it reads no outcome of the first one's reports.
    keys.portal2 = (await stack.repository.createApiKey('portal', 'openapi portal 2')).token;
    doc = (await call<Document>('GET', '/openapi.json')).body;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('operations around a credential: enrolment, reads, reports, petitions, application, audit', async () => {
    const N = 'OAS-1';
    const enrolment = {
      credentialNumber: N,
      certificationDate: certifiedOn,
      holder: { name: 'Oas Holder', email: 'oas@example.com' },
    };
    await expectAnswer('POST', '/credentials', 202, json(keys.service, enrolment));
    await expectAnswer('POST', '/credentials', 200, json(keys.service, enrolment));
    await expectAnswer(
      'POST',
      '/credentials',
      409,
      json(keys.ops, { ...enrolment, certificationDate: today }),
    );
    await expectAnswer(
      'POST',
      '/credentials',
      400,
      json(keys.ops, { ...enrolment, certificationDate: 'soon' }),
    );
    await expectAnswer('POST', '/credentials', 400, { token: keys.ops, rawBody: '{"credentialNumber":' });
    await expectAnswer(
      'POST',
      '/credentials',
      422,
      json(keys.ops, {
        ...enrolment,
        credentialNumber: 'OAS-LAPSED',
        certificationDate: addYears(today, -4),
      }),
    );
    await expectAnswer('POST', '/credentials', 401, json('rk_nobody', enrolment));
    await expectAnswer('POST', '/credentials', 403, json(keys.portal, enrolment));
    await expectAnswer('POST', '/credentials', 415, {
      token: keys.ops,
      rawBody: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    await expectAnswer('POST', '/credentials', 413, {
      token: keys.ops,
      rawBody: JSON.stringify({ ...enrolment, padding: 'x'.repeat(70_000) }),
    });

    // Reads: the live view, then again once PostgreSQL has the records.
    await expectAnswer('GET', `/credentials/${N}`, 200, { token: keys.portal });
    await eventually(async () => {
      const answer = await call<{ records: unknown }>('GET', `/credentials/${N}`, { token: keys.ops });
      return answer.body.records !== null;
    });
    await expectAnswer('GET', '/credentials/OAS-NOPE', 404, { token: keys.portal });
    await expectAnswer('GET', `/credentials/${N}/history`, 200, { token: keys.ops });
    await expectAnswer('GET', '/credentials/OAS-NOPE/history', 404, { token: keys.ops });
    await expectAnswer('GET', `/credentials/${N}/fee-quote`, 200, { token: keys.portal });
    await expectAnswer('GET', `/credentials/${N}/fee-quote?on=${addYears(today, 3)}`, 200, {
      token: keys.ops,
    });
    await expectAnswer('GET', `/credentials/${N}/fee-quote?on=tomorrow`, 400, { token: keys.ops });
    await expectAnswer('GET', '/credentials/OAS-NOPE/fee-quote', 404, { token: keys.portal });
    await expectAnswer('GET', '/credentials?limit=5', 200, { token: keys.ops });
    await expectAnswer('GET', '/credentials?limit=0', 400, { token: keys.ops });
    await expectAnswer('GET', '/credentials', 401, {});
    await expectAnswer('GET', '/credentials', 403, { token: keys.portal });

    // An application before the CEUs: every reason, 422.
    const application = { paymentReference: 'oas-pay-1', amountPaidCents: 9900 };
    await expectAnswer('POST', `/credentials/${N}/applications`, 422, json(keys.portal, application));

    // Facts, then a petition for the rest.
    const course = {
      provider: 'acme-ce',
      completionId: 'OAS-A1',
      course: 'Nutrition',
      units: '1.50',
      completedOn: addDays(today, -20),
      approved: true,
    };
    await expectAnswer('POST', `/credentials/${N}/ceu-completions`, 202, json(keys.service, course));
    await expectAnswer(
      'POST',
      `/credentials/${N}/ceu-completions`,
      400,
      json(keys.service, { ...course, units: '0.505' }),
    );
    await expectAnswer('POST', '/credentials/OAS-NOPE/ceu-completions', 404, json(keys.service, course));
    const cpr = {
      certificationId: 'OAS-RC',
      issuedOn: addDays(today, -10),
      expiresOn: addYears(today, 2),
      handsOn: true,
    };
    await expectAnswer('POST', `/credentials/${N}/cpr-aed`, 202, json(keys.portal, cpr));
    await expectAnswer(
      'POST',
      `/credentials/${N}/cpr-aed`,
      400,
      json(keys.portal, { ...cpr, handsOn: 'yes' }),
    );
    await expectAnswer('POST', '/credentials/OAS-NOPE/cpr-aed', 404, json(keys.portal, cpr));
    // A repeat: 202 duplicate, with the outcome recorded for the key once it is decided.
    await eventually(async () => {
      const again = await call<{ outcome: unknown }>('POST', `/credentials/${N}/ceu-completions`, {
        ...json(keys.service, course),
      });
      return again.body.outcome !== null;
    });
    await expectAnswer('POST', `/credentials/${N}/ceu-completions`, 202, json(keys.service, course));
    await expectAnswer('POST', `/credentials/${N}/cpr-aed`, 202, json(keys.portal, cpr));

    // What became of the reports: one at a time (with the facts recorded), and the feed.
    const completion = `/credentials/${N}/ceu-completions/acme-ce/OAS-A1`;
    await eventually(async () => (await call('GET', completion, { token: keys.service })).status === 200);
    const outcome = await expectAnswer<{ recorded: { units: unknown } }>('GET', completion, 200, {
      token: keys.service,
    });
    expect(outcome.body.recorded.units).toBe('1.50');
    await expectAnswer('GET', `/credentials/${N}/ceu-completions/acme-ce/OAS-NONE`, 404, {
      token: keys.service,
    });
    const card = `/credentials/${N}/cpr-aed/OAS-RC`;
    await eventually(async () => (await call('GET', card, { token: keys.portal })).status === 200);
    await expectAnswer('GET', card, 200, { token: keys.ops });
    await expectAnswer('GET', card, 404, { token: keys.portal2 });
    await eventually(async () => {
      const feed = await call<{ items: unknown[] }>('GET', '/report-outcomes?after=0', {
        token: keys.service,
      });
      return feed.body.items.length > 0;
    });
    await expectAnswer('GET', '/report-outcomes?after=0&limit=10', 200, { token: keys.service });
    await expectAnswer('GET', '/report-outcomes?after=0', 200, { token: keys.ops });
    await expectAnswer('GET', '/report-outcomes?reportedBy=someone-else', 403, { token: keys.service });
    await expectAnswer('GET', '/report-outcomes?limit=0', 400, { token: keys.service });

    const petition = {
      course: 'Kettlebells',
      provider: 'gym',
      requestedUnits: '0.40',
      completedOn: addDays(today, -5),
      paymentReference: 'oas-pet-pay',
      amountPaidCents: 2500,
    };
    const filed = await expectAnswer<{ petitionId: string }>(
      'POST',
      `/credentials/${N}/petitions`,
      201,
      json(keys.portal, petition, { 'Idempotency-Key': 'oas-pet-1' }),
    );
    // A retry with its key: the first answer, exactly, marked as replayed.
    const replayed = await expectAnswer(
      'POST',
      `/credentials/${N}/petitions`,
      201,
      json(keys.portal, petition, { 'Idempotency-Key': 'oas-pet-1' }),
    );
    expect(replayed.body).toEqual(filed.body);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(filed.headers.get('idempotent-replayed')).toBeNull();
    const reused = await expectAnswer<{ error: { details: { code?: string }[] } }>(
      'POST',
      `/credentials/${N}/petitions`,
      422,
      json(keys.portal, { ...petition, course: 'Other' }, { 'Idempotency-Key': 'oas-pet-1' }),
    );
    expect(reused.body.error.details[0]?.code).toBe('idempotency_key_reused');
    await expectAnswer(
      'POST',
      `/credentials/${N}/petitions`,
      422,
      json(keys.portal, { ...petition, paymentReference: 'oas-pet-2', completedOn: addYears(today, -3) }),
    );
    await expectAnswer('POST', '/credentials/OAS-NOPE/petitions', 404, json(keys.portal, petition));
    const decision = `/credentials/${N}/petitions/${filed.body.petitionId}/decision`;
    await expectAnswer('POST', decision, 200, json(keys.ops, { decision: 'approved', grantedUnits: '0.40' }));
    await expectAnswer('POST', decision, 422, json(keys.ops, { decision: 'approved' }));
    await expectAnswer(
      'POST',
      '/credentials/OAS-NOPE/petitions/P-1/decision',
      404,
      json(keys.ops, { decision: 'approved' }),
    );

    // Audit commands before there is an audit: refused.
    const documents = { documents: [{ reference: 'vault://oas/1.pdf', description: 'Certificates' }] };
    const passed = { outcome: 'passed', reason: 'Certificates match.' };
    await expectAnswer('POST', `/credentials/${N}/audit/documents`, 422, json(keys.portal, documents));
    await expectAnswer('POST', `/credentials/${N}/audit/decision`, 422, json(keys.ops, passed));
    await expectAnswer('POST', '/credentials/OAS-NOPE/audit/documents', 404, json(keys.portal, documents));
    await expectAnswer('POST', '/credentials/OAS-NOPE/audit/decision', 404, json(keys.ops, passed));
    await expectAnswer('POST', '/credentials/OAS-NOPE/applications', 404, json(keys.portal, application));

    // The application (audited: draws are scripted to 0), documents, decision.
    await eventually(async () => {
      const answer = await call<{ state: { requirementMet?: boolean } }>('GET', `/credentials/${N}`, {
        token: keys.portal,
      });
      return answer.body.state.requirementMet === true;
    });
    await expectAnswer('POST', `/credentials/${N}/applications`, 201, json(keys.portal, application));
    await expectAnswer('GET', `/credentials/${N}`, 200, { token: keys.ops });
    await expectAnswer('POST', `/credentials/${N}/audit/documents`, 200, json(keys.portal, documents));
    await expectAnswer('POST', `/credentials/${N}/audit/decision`, 200, json(keys.ops, passed));

    // Public verification, and the records of everything above.
    await expectAnswer('GET', `/verify/${N}`, 200);
    await expectAnswer('GET', '/verify/OAS-NOPE', 404);
    await expectAnswer('GET', '/verify/x', 400);
    await eventually(async () => {
      const answer = await call<{ events: { type: string }[] }>('GET', `/credentials/${N}/history`, {
        token: keys.ops,
      });
      return answer.body.events.some((e) => e.type === 'renewed');
    }, 30_000);
    await expectAnswer('GET', `/credentials/${N}/history`, 200, { token: keys.ops });
    await expectAnswer('GET', `/credentials/${N}`, 200, { token: keys.ops });
    await expectAnswer('GET', '/credentials?limit=5', 200, { token: keys.ops });
  });

  it('a revoked credential: the final state, then 409 closed for every command', async () => {
    const N = 'OAS-2';
    await expectAnswer(
      'POST',
      '/credentials',
      202,
      json(keys.ops, {
        credentialNumber: N,
        certificationDate: certifiedOn,
        holder: { name: 'Oas Two', email: 'oas2@example.com' },
      }),
    );
    await expectAnswer('POST', '/credentials/OAS-NOPE/revocation', 404, json(keys.ops, { reason: 'Fraud.' }));
    await expectAnswer('POST', `/credentials/${N}/revocation`, 200, json(keys.ops, { reason: 'Fraud.' }));
    await expectAnswer('POST', `/credentials/${N}/revocation`, 409, json(keys.ops, { reason: 'Again.' }));
    await expectAnswer(
      'POST',
      `/credentials/${N}/petitions`,
      409,
      json(keys.portal, {
        course: 'Late',
        requestedUnits: '0.10',
        completedOn: today,
        paymentReference: 'oas2-pet',
        amountPaidCents: 2500,
      }),
    );
    await expectAnswer(
      'POST',
      `/credentials/${N}/petitions/${N}-c1-pet1/decision`,
      409,
      json(keys.ops, { decision: 'denied', reason: 'No.' }),
    );
    await expectAnswer(
      'POST',
      `/credentials/${N}/applications`,
      409,
      json(keys.portal, { paymentReference: 'oas2-pay', amountPaidCents: 9900 }),
    );
    await expectAnswer(
      'POST',
      `/credentials/${N}/audit/documents`,
      409,
      json(keys.portal, { documents: [{ reference: 'r', description: 'd' }] }),
    );
    await expectAnswer(
      'POST',
      `/credentials/${N}/audit/decision`,
      409,
      json(keys.ops, { outcome: 'failed', reason: 'x' }),
    );
    await expectAnswer(
      'POST',
      `/credentials/${N}/ceu-completions`,
      409,
      json(keys.service, {
        provider: 'acme-ce',
        completionId: 'OAS2-A1',
        course: 'Nutrition',
        units: '0.50',
        completedOn: today,
        approved: true,
      }),
    );
    await expectAnswer(
      'POST',
      `/credentials/${N}/cpr-aed`,
      409,
      json(keys.portal, {
        certificationId: 'OAS2-RC',
        issuedOn: today,
        expiresOn: addYears(today, 2),
        handsOn: true,
      }),
    );
    await expectAnswer('GET', `/verify/${N}`, 200);
  });

  it('bulk import, health, readiness and the documentation', async () => {
    const header =
      'credentialNumber,certificationDate,policyId,holderName,holderEmail,currentCycle,currentCycleStart,ceusEarned,cprAedId,cprAedIssuedOn,cprAedExpiresOn,cprAedHandsOn';
    const csv = `${header}\nOAS-3,${certifiedOn},,Oas Three,oas3@example.com,,,1.50,,,,\nOAS-4,not-a-date,,X,x@example.com,,,,,,,\n`;
    const text = (body: string, type = 'text/csv'): CallOptions => ({
      token: keys.ops,
      rawBody: body,
      headers: { 'content-type': type },
    });
    await expectAnswer('POST', '/imports', 200, text(csv));
    await expectAnswer('POST', '/imports', 400, text('nonsense,columns\n1,2\n'));
    await expectAnswer('POST', '/imports', 415, text(csv, 'application/json'));
    await expectAnswer('POST', '/imports', 403, { ...text(csv), token: keys.service });
    await expectAnswer('GET', '/health', 200);
    await expectAnswer('GET', '/ready', 200);
    await expectAnswer('GET', '/openapi.json', 200);
    await expectAnswer('GET', '/docs', 200);
  });

  it('readiness when Temporal does not answer: 503 with its checks', async () => {
    const client = {
      workflowService: { getSystemInfo: () => Promise.reject(new Error('down')) },
    } as unknown as Client;
    const app = createApp({ client, repository: stack.repository, taskQueue: 'none' });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const other = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      await expectAnswer('GET', '/ready', 503, {}, other);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('policy versions: the list, a new version in the API units, and its refusals', async () => {
    await expectAnswer('GET', '/policies', 200, { token: keys.portal });
    const v2 = { ...policyOutside(ACE_CPT), version: 2, effectiveFrom: addYears(today, 30) };
    await expectAnswer('POST', '/policies/ace-cpt/versions', 400, json(keys.ops, { ...v2, id: 'nasm-cpt' }));
    await expectAnswer(
      'POST',
      '/policies/ace-cpt/versions',
      400,
      json(keys.ops, { ...v2, requiredCeus: 200.001 }),
    );
    await expectAnswer('POST', '/policies/nope-cpt/versions', 404, json(keys.ops, { ...v2, id: 'nope-cpt' }));
    await expectAnswer('POST', '/policies/ace-cpt/versions', 409, json(keys.ops, { ...v2, version: 3 }));
    const added = await expectAnswer<{ policy: unknown }>(
      'POST',
      '/policies/ace-cpt/versions',
      201,
      json(keys.ops, v2),
    );
    expect(added.body.policy).toEqual(v2);
    await expectAnswer('GET', '/policies', 200, { token: keys.ops });
  });

  it('a credential whose workflow was terminated: unknown on every read, no fee quote (409)', async () => {
    const N = 'OAS-5';
    await expectAnswer(
      'POST',
      '/credentials',
      202,
      json(keys.ops, {
        credentialNumber: N,
        certificationDate: certifiedOn,
        holder: { name: 'Oas Five', email: 'oas5@example.com' },
      }),
    );
    await eventually(() => stack.repository.readCredential(N));
    await stack.env.client.workflow.getHandle(credentialWorkflowId(N)).terminate('openapi test');
    const reconciler = createWorkflowReconciler({ client: stack.env.client, repository: stack.repository });
    await eventually(async () => (await reconciler.runOnce()).changed.some((c) => c.number === N), 20_000);
    const verify = await expectAnswer<{ status: string }>('GET', `/verify/${N}`, 200);
    expect(verify.body.status).toBe('unknown');
    const read = await expectAnswer<{ state: { phase: string } }>('GET', `/credentials/${N}`, 200, {
      token: keys.ops,
    });
    expect(read.body.state.phase).toBe('Unknown');
    const list = await expectAnswer<{ items: { number: string; phase: string }[] }>(
      'GET',
      '/credentials?limit=100',
      200,
      { token: keys.ops },
    );
    expect(list.body.items.find((item) => item.number === N)?.phase).toBe('Unknown');
    await expectAnswer('GET', `/credentials/${N}/fee-quote`, 409, { token: keys.portal });
  });

  it('reads when PostgreSQL does not answer: 503 with Retry-After', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const repository = new Proxy(stack.repository, {
      get: (target, name, receiver) =>
        name === 'close' ? Reflect.get(target, name, receiver) : () => Promise.reject(down),
    });
    const app = createApp({ client: stack.env.client, repository, taskQueue: 'none' });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const other = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      // The key check reads PostgreSQL too: the public lookup shows the outage first-hand.
      const verify = await expectAnswer('GET', '/verify/OAS-1', 503, {}, other);
      expect(verify.headers.get('retry-after')).not.toBeNull();
      await expectAnswer('GET', '/credentials/OAS-1', 503, { token: keys.ops }, other);
      await expectAnswer('GET', '/credentials/OAS-1/fee-quote', 503, { token: keys.ops }, other);
      await expectAnswer('GET', '/credentials', 503, { token: keys.ops }, other);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('public verification past its rate limit: 429', async () => {
    for (let i = 0; i < 40; i += 1) {
      const answer = await call('GET', '/verify/OAS-1');
      if (answer.status === 429) break;
    }
    await expectAnswer('GET', '/verify/OAS-1', 429);
  });

  it('every status every route lists was produced by a real request above', () => {
    const listed = ROUTES.flatMap((route) =>
      Object.keys(route.responses).map((status) => `${route.operationId} ${status}`),
    );
    const missing = listed.filter((key) => !seen.has(key) && !(key in NOT_PRODUCED));
    expect(missing).toEqual([]);
  });
});
