import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import { buildOpenApiDocument } from '../../api/openapi';
import { ROUTES } from '../../api/routes';
import type { ApiRole } from '../../db/types';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import { schemathesisPath } from '../../scripts/lib/temporal-tools';
import { credentialWorkflowId } from '../../workflows/contract';
import { type ErrorBody, eventually, type HttpClient, httpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';

// The API fuzzed from its own OpenAPI document by Schemathesis, against the real stack (Temporal dev
// server, worker, PostgreSQL, HTTP on a socket): no answer is a 5xx, no answer breaks the document,
// and afterwards nothing is stuck: no activity or workflow task retrying, no event parked, no message
// the API accepted and the workflow then refused as malformed.
//
// Schemathesis 4.32.5 (scripts/tools-requirements.txt), run as
//   st --config-file <tmp>/schemathesis.toml run <api>/openapi.json --max-examples 12 --seed 20261127
//      --workers 1 --no-shrink --generation-database none --request-timeout 40
// with every check but positive_data_acceptance (`--checks all` minus EXCLUDED_CHECKS, set in the
// config file: a `--checks` flag would override the per-operation settings below). That check is
// off because a valid-looking request is rightly refused for business reasons (404 unknown number,
// 409 closed, 422 rejected, 400 for a date outside 1900-2999 that `format: date` allows). The config
// file gives each operation an API key of a role it accepts, feeds path parameters from the
// credentials enrolled here (and one never enrolled) so the fuzz reaches the workflows instead of
// stopping at 404, and feeds date and CEU fields edge values (HOSTILE_*). About 1,000 requests,
// 20-40 s of the test's 50-80 s on a busy 2-core machine.

// A deeper or different run: FUZZ_MAX_EXAMPLES=100 FUZZ_SEED=7 npx jest test/integration/api-fuzz.test.ts
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const EXCLUDED_CHECKS = ['positive_data_acceptance'];
const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 12);
const HOSTILE_DATES = ['0000-01-01', '0001-01-01', '1899-12-31', '1900-01-01', '2999-12-31', '9999-12-31'];
const HOSTILE_UNITS = [30000000, '30000000', 2147483648, '21474836.48', '99.99', '100.00', 0.01];
// Any string field, now and then: what PostgreSQL or a log line chokes on, and dates in disguise.
const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '\u001b[31m',
  ' ',
  '\u2028',
  'x'.repeat(1000),
  '0000-01-01',
  'NaN',
];
const DATE_FIELDS = ['certificationDate', 'completedOn', 'issuedOn', 'expiresOn'];

/** Installed by scripts/bootstrap.sh (`npm test`); missing is a failure, never a skip. */
function st(): string {
  const path = schemathesisPath();
  if (!path) throw new Error('Schemathesis (st) not found: run `npm run setup`, or set SCHEMATHESIS_PATH');
  return path;
}

/** Each operation's first accepted role (its x-roles), so the fuzz gets past 401/403. */
function roleOf(operationId: string): ApiRole | null {
  const route = ROUTES.find((r) => r.operationId === operationId);
  if (!route || route.access === 'public') return null;
  return route.access[0] ?? null;
}

const toml = (s: string) => JSON.stringify(s);

function config(
  keys: Record<ApiRole, string>,
  numbers: readonly string[],
  revocable: string,
  petitionIds: readonly string[],
) {
  const lines = [
    '[dictionaries.numbers]',
    `values = [${numbers.map(toml).join(', ')}]`,
    '[dictionaries.revocable]',
    `values = [${toml(revocable)}]`,
    '[dictionaries.petitions]',
    `values = [${petitionIds.map(toml).join(', ')}]`,
    // Every check runs (Schemathesis 4's default) but these; see the top of the file.
    '[checks]',
    ...EXCLUDED_CHECKS.map((check) => `${check}.enabled = false`),
    // Values at and past the edges of the shared rules (rules/fields.ts), which random generation
    // from the document rarely hits: year 0 and 9999, CEUs past PostgreSQL's integer range.
    '[dictionaries.dates]',
    `values = [${HOSTILE_DATES.map(toml).join(', ')}]`,
    '[dictionaries.units]',
    `values = [${HOSTILE_UNITS.map((u) => (typeof u === 'string' ? toml(u) : String(u))).join(', ')}]`,
    '[dictionaries.strings]',
    `values = [${HOSTILE_STRINGS.map(toml).join(', ')}]`,
    '[generation.dictionaries]',
    'string = { dictionary = "strings", probability = 0.05 }',
    '[parameters]',
    ...['query.expiringBefore', 'query.on', ...DATE_FIELDS.map((f) => `body.${f}`)].map(
      (key) => `"${key}" = { dictionary = "dates", probability = 0.3 }`,
    ),
    ...['units', 'requestedUnits', 'grantedUnits'].map(
      (f) => `"body.${f}" = { dictionary = "units", probability = 0.3 }`,
    ),
    '"path.number" = { dictionary = "numbers", probability = 0.8 }',
    '"path.petitionId" = { dictionary = "petitions", probability = 0.8 }',
  ];
  const document = buildOpenApiDocument(ROUTES);
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations)) {
      const id = operation.operationId as string;
      const role = roleOf(id);
      if (!role) continue;
      lines.push('[[operations]]', `include-operation-id = ${toml(id)}`);
      lines.push(`headers = { Authorization = ${toml(`Bearer ${keys[role]}`)} }`);
      // A file, not JSON: Schemathesis's "invalid" bodies (objects) still reach it as text, which the
      // import reads and reports row by row (200 with every invalid row), as it should.
      if (id === 'importCredentials')
        lines.push('checks = { negative_data_rejection = { enabled = false } }');
      if (id === 'revokeCredential') {
        lines.push('parameters = { "path.number" = { dictionary = "revocable", probability = 0.8 } }');
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What is not settled across every workflow: activities pending (retrying or not done yet), workflow
 * tasks failing, runs closed other than by completing (failed, terminated, timed out).
 */
async function unsettled(client: Client): Promise<string[]> {
  const problems: string[] = [];
  for await (const execution of client.workflow.list()) {
    const id = execution.workflowId;
    const status = execution.status.name;
    if (status !== 'RUNNING') {
      if (status !== 'COMPLETED' && status !== 'CONTINUED_AS_NEW') problems.push(`${id}: ${status}`);
      continue;
    }
    const { raw } = await client.workflow.getHandle(id).describe();
    for (const activity of raw.pendingActivities ?? []) {
      const failure = activity.lastFailure?.message ?? '';
      problems.push(`${id}: activity ${activity.activityType?.name} attempt ${activity.attempt} ${failure}`);
    }
    const task = raw.pendingWorkflowTask;
    if (task && (task.attempt ?? 0) > 1) problems.push(`${id}: workflow task attempt ${task.attempt}`);
  }
  return problems;
}

interface Run {
  code: number;
  output: string;
}

function runSchemathesis(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      st(),
      args,
      { cwd, timeout: 150_000, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe('fuzzing the API from its OpenAPI document (Schemathesis)', () => {
  let stack: Stack;
  let call: HttpClient;
  let admin: pg.Client;
  let dir: string;
  const keys = { service: '', portal: '', ops: '' } as Record<ApiRole, string>;
  const today = dateAt(Date.now(), NASM_CPT.timeZone);
  // One mid-cycle, one in its last days (applications are in their window), one to revoke.
  const enrolled = {
    'FUZZ-1': addYears(today, -1),
    'FUZZ-2': addDays(addYears(today, -2), 10),
    'FUZZ-REVOKE': addYears(today, -1),
  };
  const numbers = ['FUZZ-1', 'FUZZ-2', 'FUZZ-404'];
  const petitionIds: string[] = [];

  beforeAll(async () => {
    stack = await startStack({
      taskQueue: 'api-fuzz',
      // The public lookup's budget would otherwise answer 429 after 30 requests.
      verifyRateLimit: { limit: 1_000_000, windowMs: 60_000 },
    });
    call = httpClient(stack.baseUrl);
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    dir = await mkdtemp(path.join(tmpdir(), 'recertify-fuzz-'));
    for (const role of ['service', 'portal', 'ops'] as const) {
      keys[role] = (await stack.repository.createApiKey(role, `fuzz ${role}`)).token;
    }
    for (const [number, certificationDate] of Object.entries(enrolled)) {
      const answer = await call('POST', '/credentials', {
        token: keys.service,
        body: {
          credentialNumber: number,
          certificationDate,
          holder: { name: 'Fuzz Holder', email: 'fuzz@example.com' },
        },
      });
      expect(answer.status).toBe(202);
    }
    const reported = await call('POST', '/credentials/FUZZ-2/ceu-completions', {
      token: keys.service,
      body: {
        provider: 'acme-ce',
        completionId: 'A-1',
        course: 'Basics',
        units: '1.00',
        completedOn: addDays(today, -30),
        approved: true,
      },
    });
    expect(reported.status).toBe(202);
    const petition = await call<{ petitionId: string }>('POST', '/credentials/FUZZ-1/petitions', {
      token: keys.portal,
      body: {
        course: 'Kettlebells',
        requestedUnits: '0.50',
        completedOn: addDays(today, -10),
        paymentReference: 'pay-fuzz',
        amountPaidCents: 2500,
      },
    });
    expect(petition.status).toBe(201);
    petitionIds.push(petition.body.petitionId, 'p-unknown');
  }, 120_000);

  afterAll(async () => {
    await admin?.end();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // What earlier fuzz runs found, each pinned by a plain HTTP test.
  describe('what the fuzz found', () => {
    it('when a known path is called with a method it does not take, then it is a 405 naming the methods it takes', async () => {
      for (const [method, path, allow] of [
        ['DELETE', '/health', 'GET, HEAD'],
        ['PUT', '/credentials', 'POST, GET, HEAD'],
        ['PATCH', '/credentials/FUZZ-1/revocation', 'POST'],
      ] as const) {
        const answer = await fetch(`${stack.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${keys.ops}` },
        });
        expect({ method, path, status: answer.status, allow: answer.headers.get('allow') }).toEqual({
          method,
          path,
          status: 405,
          allow,
        });
        expect(((await answer.json()) as ErrorBody).error.code).toBe('method_not_allowed');
      }
      expect((await call('GET', '/no-such-path')).status).toBe(404);
    });

    it('when a holder e-mail breaks the documented format (a domain label ending in "-"), then enrolment is a 400', async () => {
      const answer = await call('POST', '/credentials', {
        token: keys.service,
        body: {
          credentialNumber: 'FUZZ-MAIL',
          certificationDate: today,
          holder: { name: 'Mail Holder', email: 'holder@mail.h-.example.com' },
        },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([
        expect.objectContaining({ field: 'holder.email', message: 'use a valid e-mail address' }),
      ]);
    });

    // Each was a 202 the workflow then refused as malformed (or parked: year 0 in PostgreSQL), or a 500.
    it.each([
      ['GET', '/credentials?expiringBefore=0000-01-01', 'ops', undefined, 'expiringBefore'],
      ['GET', '/credentials/FUZZ-1/fee-quote?on=9999-12-31', 'ops', undefined, 'on'],
      ['POST', '/credentials', 'service', { certificationDate: '0000-01-01' }, 'certificationDate'],
      [
        'POST',
        '/credentials',
        'service',
        { holder: { name: 'Half \ud83d', email: 'a@example.com' } },
        'holder.name',
      ],
      ['POST', '/credentials/FUZZ-1/ceu-completions', 'service', { units: 30000000 }, 'units'],
      ['POST', '/credentials/FUZZ-1/ceu-completions', 'service', { units: '100.00' }, 'units'],
      [
        'POST',
        '/credentials/FUZZ-1/ceu-completions',
        'service',
        { completedOn: '0000-01-01' },
        'completedOn',
      ],
      ['POST', '/credentials/FUZZ-1/ceu-completions', 'service', { course: 'Half \ud83d' }, 'course'],
      ['POST', '/credentials/FUZZ-1/cpr-aed', 'portal', { issuedOn: '1899-12-31' }, 'issuedOn'],
      ['POST', '/credentials/FUZZ-1/cpr-aed', 'portal', { expiresOn: '9999-12-31' }, 'expiresOn'],
      [
        'POST',
        '/credentials/FUZZ-1/cpr-aed',
        'portal',
        { issuedOn: addDays(today, -10), expiresOn: addDays(today, -20) },
        'expiresOn',
      ],
      [
        'POST',
        '/credentials/FUZZ-1/petitions',
        'portal',
        { requestedUnits: '21474836.48' },
        'requestedUnits',
      ],
    ] as const)(
      'when %s %s (as %s) sends %j, past the shared rules, then it is a 400 naming %s',
      async (method, path, role, change, field) => {
        const valid: Record<string, Record<string, unknown>> = {
          '/credentials': {
            credentialNumber: 'FUZZ-EDGE',
            certificationDate: today,
            holder: { name: 'Edge Holder', email: 'edge@example.com' },
          },
          '/credentials/FUZZ-1/ceu-completions': {
            provider: 'edge',
            completionId: 'E-1',
            course: 'Edges',
            units: '0.10',
            completedOn: today,
            approved: true,
          },
          '/credentials/FUZZ-1/cpr-aed': {
            certificationId: 'E-1',
            issuedOn: today,
            expiresOn: addYears(today, 2),
            handsOn: true,
          },
          '/credentials/FUZZ-1/petitions': {
            course: 'Edges',
            requestedUnits: '0.10',
            completedOn: today,
            paymentReference: 'pay-edge',
            amountPaidCents: 2500,
          },
        };
        // JSON.stringify writes a lone surrogate as its escape (\ud83d), as a client's JSON would.
        const body = change ? { body: { ...valid[path], ...change } } : {};
        const answer = await call(method, path, { token: keys[role], ...body });
        expect({ status: answer.status, fields: answer.body.error?.details.map((d) => d.field) }).toEqual({
          status: 400,
          fields: [field],
        });
      },
    );

    it('when a report names a credential never enrolled, then the 404 is one its operation documents', async () => {
      const document = buildOpenApiDocument(ROUTES);
      for (const [path, operationId, token] of [
        ['/credentials/FUZZ-404/ceu-completions', 'reportCeuCompletion', keys.service],
        ['/credentials/FUZZ-404/cpr-aed', 'reportCprAed', keys.portal],
      ] as const) {
        expect((await call('POST', path, { token, body: {} })).status).toBe(400);
        const valid =
          operationId === 'reportCeuCompletion'
            ? {
                provider: 'p',
                completionId: 'c',
                course: 'Course',
                units: '0.10',
                completedOn: today,
                approved: true,
              }
            : { certificationId: 'c', issuedOn: today, expiresOn: addYears(today, 2), handsOn: true };
        expect((await call('POST', path, { token, body: valid })).status).toBe(404);
        const operation = Object.values(document.paths)
          .flatMap((operations) => Object.values(operations))
          .find((o) => o.operationId === operationId);
        expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(['404', '409']));
      }
    });
  });

  it('when every operation is fuzzed, then no answer is a 5xx or off the document, and nothing is left retrying', async () => {
    const configFile = path.join(dir, 'schemathesis.toml');
    await writeFile(configFile, config(keys, numbers, 'FUZZ-REVOKE', petitionIds));
    const run = await runSchemathesis(
      [
        '--config-file',
        configFile,
        'run',
        `${stack.baseUrl}/openapi.json`,
        '--max-examples',
        String(MAX_EXAMPLES),
        '--seed',
        String(SEED),
        '--workers',
        '1',
        '--no-shrink',
        '--generation-database',
        'none',
        '--request-timeout',
        '40',
      ],
      dir,
    );
    // The whole report only when it failed (it names each failure and a curl to reproduce it).
    if (run.code !== 0) console.log(run.output);
    else
      console.log(
        run.output
          .split('\n')
          .filter((line) => / generated,|=+ .* in [\d.]+s =+/.test(line))
          .join('\n'),
      );
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/\d+ generated/);

    // Then nothing is stuck: every workflow the fuzz reached (those enrolled here, and any it
    // enrolled or imported itself) settles with no activity and no workflow task retrying.
    const client = stack.env.client;
    let stuck: string[] = [];
    await eventually(async () => (stuck = await unsettled(client)).length === 0, 30_000).catch(() => null);
    expect(stuck).toEqual([]);
    // The credentials the fuzz commanded are running, or closed by a revocation (which a fuzzed
    // ops request may send to any of them, e.g. following a link in the stateful phase); PostgreSQL
    // agrees with Temporal either way.
    for (const number of Object.keys(enrolled)) {
      const { status } = await client.workflow.getHandle(credentialWorkflowId(number)).describe();
      const { rows } = await admin.query<{ phase: string }>(
        'SELECT phase FROM credentials WHERE number = $1',
        [number],
      );
      const phase = rows[0]?.phase;
      expect({ number, status: status.name, phase }).toEqual(
        status.name === 'COMPLETED'
          ? { number, status: 'COMPLETED', phase: 'Revoked' }
          : { number, status: 'RUNNING', phase: expect.stringMatching(/^(Active|ExpiredLate)$/) },
      );
    }

    // No event parked as a dead letter (the API let through what PostgreSQL cannot hold), and no
    // message the API accepted and the workflow then refused as malformed (their rules differ).
    const parked = await admin.query(
      'SELECT credential_number, event_type, error_message FROM dead_letter_events',
    );
    expect(parked.rows).toEqual([]);
    const malformed = await admin.query(
      `SELECT credential_number, type, reason FROM credential_events
        WHERE outcome = 'rejected' AND data->'reasons' @> '[{"code":"invalid_message"}]'`,
    );
    expect(malformed.rows).toEqual([]);
  }, 300_000);
});
