import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createApp } from '../../api/app';
import { createDb, type Db } from '../../db/client';
import { createRepository } from '../../db/repository';
import type { Repository } from '../../db/types';
import { cycleDates } from '../../rules/cycle';
import { NASM_CPT } from '../../rules/policies';
import { COMMAND_REJECTED } from '../../workflows/contract';
import { credentialView } from '../../workflows/view';
import { type HttpClient, httpClient } from '../support/http';

// What the command routes answer before anything reaches a workflow (issue 8 item 6, issue 9 item 3),
// over real HTTP and a real PostgreSQL (keys, receipts, refusals), with a Temporal client that only
// records what it is sent: bad input is a 400 naming the field and never reaches the workflow; a
// renewal or upgrade in progress is a 409 with Retry-After on every command, recorded nowhere.

const NUMBER = 'CPT-INPUT-1';
const LONE_SURROGATE = 'Half an emoji \ud83d';
const CONTROL = 'Bell \u0007 rings';

function fakeClient() {
  const handle = {
    query: jest.fn(),
    signal: jest.fn().mockResolvedValue(undefined),
    executeUpdate: jest.fn(),
    describe: jest.fn(),
  };
  const start = jest.fn();
  const client = {
    workflow: { getHandle: jest.fn(() => handle), start },
    workflowService: { getSystemInfo: jest.fn().mockResolvedValue({}) },
    connection: { withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn() },
  } as unknown as Client;
  return { client, handle, start };
}

type Role = 'service' | 'portal' | 'ops';

// What a run answers each update, in the contract's units: the API encodes each answer through its
// response schema (api/responses.ts), so the fake answers whole, real-shaped results.
const FEE_LINE = { code: 'petition', label: 'Petition fee', amount: 2500 };
const AUDIT = {
  auditId: 'AUD-1',
  applicationId: 'A-1',
  state: 'UnderReview',
  selectedOn: '2026-01-02',
  documentsDueOn: '2026-02-01',
  documents: [],
  decidedOn: null,
  reason: null,
};

/** The run's view (its getState query): live, or revoked. */
function viewOf(closed: { phase: 'Revoked'; on: string; reason: string } | null) {
  return credentialView(
    {
      credentialNumber: 'CPT-INPUT-1',
      certifiedOn: '2025-06-30',
      cycle: 1,
      policy: NASM_CPT,
      versions: [NASM_CPT],
      dates: cycleDates('2025-06-30', NASM_CPT),
      facts: {
        completions: [],
        cprAed: [],
        petitions: [],
        consumed: [],
        application: null,
        audit: null,
        remindersSent: [],
      },
      closed,
    },
    Date.parse('2026-01-02T12:00:00Z'),
  );
}

function workflowAnswer(update: { name: string }, overrides: Record<string, unknown> = {}): unknown {
  const answers: Record<string, () => unknown> = {
    filePetition: () => ({ petitionId: 'P-1', fee: FEE_LINE }),
    decidePetition: () => ({
      petitionId: 'P-1',
      course: 'Kettlebells',
      provider: null,
      requestedUnits: 40,
      completedOn: '2026-01-02',
      fee: FEE_LINE,
      paymentReference: 'pay-1',
      filedOn: '2026-01-02',
      status: 'approved',
      grantedUnits: 40,
      reason: null,
      decidedOn: '2026-01-02',
      note: null,
    }),
    submitApplication: () => ({
      applicationId: 'A-1',
      receivedOn: '2026-01-02',
      fee: {
        accepted: true,
        window: 'in_cycle',
        on: '2026-01-02',
        lines: [{ code: 'renewal', label: 'Renewal fee', amount: 9900 }],
        total: 9900,
        validThrough: '2027-06-30',
      },
      auditSelected: false,
      auditDocumentsDueOn: null,
    }),
    submitAuditDocuments: () => AUDIT,
    decideAudit: () => ({
      ...AUDIT,
      state: 'Passed',
      decidedOn: '2026-01-03',
      reason: 'Certificates match.',
    }),
    revoke: () => viewOf({ phase: 'Revoked', on: '2026-01-02', reason: 'Fraud.' }),
  };
  const answer = answers[update.name];
  if (!answer) throw new Error(`no fake answer for update ${update.name}`);
  return { ...(answer() as object), ...overrides };
}

interface Case {
  readonly name: string;
  readonly role: Role;
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** The field the 400 must name. */
  readonly field: string;
}

const petition = {
  course: 'Kettlebell workshop',
  provider: 'local-gym',
  requestedUnits: '0.50',
  completedOn: '2026-03-01',
  paymentReference: 'pay-1',
  amountPaidCents: 2500,
};
const enrolment = {
  credentialNumber: 'CPT-INPUT-2',
  certificationDate: '2025-03-01',
  holder: { name: 'Input Holder', email: 'input.holder@example.com' },
};
const documents = [{ reference: 'vault://docs/1.pdf', description: 'Certificates' }];

const p = `/credentials/${NUMBER}`;
const CASES: readonly Case[] = [
  // Enrolment: the holder's name and the certification date.
  {
    name: 'holder name with a lone surrogate',
    role: 'service',
    path: '/credentials',
    body: { ...enrolment, holder: { ...enrolment.holder, name: LONE_SURROGATE } },
    field: 'holder.name',
  },
  {
    name: 'holder name with a control character',
    role: 'service',
    path: '/credentials',
    body: { ...enrolment, holder: { ...enrolment.holder, name: CONTROL } },
    field: 'holder.name',
  },
  {
    name: 'holder name over 200 characters',
    role: 'service',
    path: '/credentials',
    body: { ...enrolment, holder: { ...enrolment.holder, name: 'x'.repeat(201) } },
    field: 'holder.name',
  },
  {
    name: 'holder name of blanks',
    role: 'service',
    path: '/credentials',
    body: { ...enrolment, holder: { ...enrolment.holder, name: '   ' } },
    field: 'holder.name',
  },
  {
    name: 'certification date in year 0',
    role: 'service',
    path: '/credentials',
    body: { ...enrolment, certificationDate: '0000-01-01' },
    field: 'certificationDate',
  },
  {
    name: 'certification date before 1900',
    role: 'service',
    path: '/credentials',
    body: { ...enrolment, certificationDate: '1899-12-31' },
    field: 'certificationDate',
  },
  {
    name: 'impossible certification date',
    role: 'service',
    path: '/credentials',
    body: { ...enrolment, certificationDate: '2025-02-30' },
    field: 'certificationDate',
  },
  // Petitions: every text field, the date, the units and the money.
  {
    name: 'course with a lone surrogate',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, course: LONE_SURROGATE },
    field: 'course',
  },
  {
    name: 'course with a control character',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, course: CONTROL },
    field: 'course',
  },
  {
    name: 'course over 300 characters',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, course: 'c'.repeat(301) },
    field: 'course',
  },
  {
    name: 'provider with a lone surrogate',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, provider: LONE_SURROGATE },
    field: 'provider',
  },
  {
    name: 'payment reference with a newline',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, paymentReference: 'pay\n1' },
    field: 'paymentReference',
  },
  {
    name: 'payment reference over 200 characters',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, paymentReference: 'r'.repeat(201) },
    field: 'paymentReference',
  },
  {
    name: 'course dated in year 0',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, completedOn: '0000-06-01' },
    field: 'completedOn',
  },
  {
    name: 'course dated in year 20260',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, completedOn: '20260-06-01' },
    field: 'completedOn',
  },
  {
    name: 'CEUs over PostgreSQL’s integer range',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, requestedUnits: '30000000' },
    field: 'requestedUnits',
  },
  {
    name: 'CEUs over 99.99 for one course',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, requestedUnits: 100 },
    field: 'requestedUnits',
  },
  {
    name: 'zero CEUs',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, requestedUnits: '0.00' },
    field: 'requestedUnits',
  },
  {
    name: 'CEUs with three decimals',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, requestedUnits: '0.505' },
    field: 'requestedUnits',
  },
  {
    name: 'negative payment',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, amountPaidCents: -1 },
    field: 'amountPaidCents',
  },
  {
    name: 'payment in fractions of a cent',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, amountPaidCents: 25.5 },
    field: 'amountPaidCents',
  },
  {
    name: 'payment over $1,000,000',
    role: 'portal',
    path: `${p}/petitions`,
    body: { ...petition, amountPaidCents: 100_000_001 },
    field: 'amountPaidCents',
  },
  // Decisions, applications, audit documents, revocation.
  {
    name: 'petition decision reason with a lone surrogate',
    role: 'ops',
    path: `${p}/petitions/P-1/decision`,
    body: { decision: 'denied', reason: LONE_SURROGATE },
    field: 'reason',
  },
  {
    name: 'petition granted CEUs over 99.99',
    role: 'ops',
    path: `${p}/petitions/P-1/decision`,
    body: { decision: 'approved', grantedUnits: '2147483.65' },
    field: 'grantedUnits',
  },
  {
    name: 'application payment reference with a lone surrogate',
    role: 'portal',
    path: `${p}/applications`,
    body: { paymentReference: LONE_SURROGATE, amountPaidCents: 9900 },
    field: 'paymentReference',
  },
  {
    name: 'application payment over $1,000,000',
    role: 'portal',
    path: `${p}/applications`,
    body: { paymentReference: 'pay-2', amountPaidCents: 1e12 },
    field: 'amountPaidCents',
  },
  {
    name: 'audit document description with a control character',
    role: 'portal',
    path: `${p}/audit/documents`,
    body: { documents: [{ ...documents[0], description: CONTROL }] },
    field: 'documents.0.description',
  },
  {
    name: 'audit document reference with a lone surrogate',
    role: 'portal',
    path: `${p}/audit/documents`,
    body: { documents: [{ ...documents[0], reference: LONE_SURROGATE }] },
    field: 'documents.0.reference',
  },
  {
    name: 'more than 50 audit documents',
    role: 'portal',
    path: `${p}/audit/documents`,
    body: { documents: Array.from({ length: 51 }, () => documents[0]) },
    field: 'documents',
  },
  {
    name: 'audit decision reason over 1000 characters',
    role: 'ops',
    path: `${p}/audit/decision`,
    body: { outcome: 'failed', reason: 'r'.repeat(1001) },
    field: 'reason',
  },
  {
    name: 'revocation reason with a lone surrogate',
    role: 'ops',
    path: `${p}/revocation`,
    body: { reason: LONE_SURROGATE },
    field: 'reason',
  },
  {
    name: 'revocation reason with a NUL',
    role: 'ops',
    path: `${p}/revocation`,
    body: { reason: 'a\u0000b' },
    field: 'reason',
  },
];

/** Every update route, with a valid body: each must answer a run in transition the same way. */
const UPDATES: readonly { readonly role: Role; readonly path: string; readonly body: unknown }[] = [
  { role: 'portal', path: `${p}/petitions`, body: petition },
  { role: 'ops', path: `${p}/petitions/P-1/decision`, body: { decision: 'approved' } },
  { role: 'portal', path: `${p}/applications`, body: { paymentReference: 'pay-2', amountPaidCents: 9900 } },
  { role: 'portal', path: `${p}/audit/documents`, body: { documents } },
  { role: 'ops', path: `${p}/audit/decision`, body: { outcome: 'passed', reason: 'Certificates match.' } },
  { role: 'ops', path: `${p}/revocation`, body: { reason: 'Fraud.' } },
];

function inTransition(code: 'renewal_in_progress' | 'upgrade_in_progress') {
  return new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({
      type: COMMAND_REJECTED,
      message: 'moving',
      details: [
        [{ code, message: 'The credential is moving right now: send the command again in a moment.' }],
      ],
    }),
  );
}

describe('command input over HTTP: 400s before the workflow, 409 + Retry-After while a run is moving on', () => {
  let server: Server;
  let call: HttpClient;
  let db: Db;
  let repository: Repository;
  let fake: ReturnType<typeof fakeClient>;
  const tokens: Record<Role, string> = { service: '', portal: '', ops: '' };

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
    db = createDb(url);
    repository = createRepository(db);
    fake = fakeClient();
    for (const role of ['service', 'portal', 'ops'] as const) {
      tokens[role] = (await repository.createApiKey(role, `input ${role}`)).token;
    }
    const app = createApp({ client: fake.client, repository, taskQueue: 'unused' });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    call = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await repository?.close();
  });
  beforeEach(() => {
    fake.handle.executeUpdate.mockReset();
    fake.handle.signal.mockClear();
    fake.start.mockReset();
  });

  it.each(CASES)(
    'when a command is sent with: $name, then 400 names $field and nothing reaches a workflow',
    async (c) => {
      const answer = await call('POST', c.path, { token: tokens[c.role], body: c.body });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
      expect(answer.body.error.details.map((d) => d.field)).toContain(c.field);
      expect(answer.body.error.details.every((d) => d.message.length > 0)).toBe(true);
      expect(fake.handle.executeUpdate).not.toHaveBeenCalled();
      expect(fake.handle.signal).not.toHaveBeenCalled();
      expect(fake.start).not.toHaveBeenCalled();
    },
  );

  it('when a lone surrogate is refused, then the message says what is wrong in words', async () => {
    const answer = await call('POST', `${p}/revocation`, {
      token: tokens.ops,
      body: { reason: LONE_SURROGATE },
    });
    expect(answer.body.error.details[0]?.message).toContain('well-formed Unicode');
  });

  it.each(['renewal_in_progress', 'upgrade_in_progress'] as const)(
    'when the run refuses with %s, then every update route answers 409 with Retry-After, recorded nowhere',
    async (code) => {
      for (const route of UPDATES) {
        fake.handle.executeUpdate.mockRejectedValueOnce(inTransition(code));
        const answer = await call('POST', route.path, {
          token: tokens[route.role],
          headers: { 'idempotency-key': `transition-${code}` },
          body: route.body,
        });
        expect({ path: route.path, status: answer.status }).toEqual({ path: route.path, status: 409 });
        expect(answer.headers.get('retry-after')).toBe('1');
        expect(answer.body.error.code).toBe('conflict');
        expect(answer.body.error.details).toEqual([expect.objectContaining({ code })]);
      }
      // A "retry in a moment" is neither a refusal in the history nor a stored outcome of the key.
      expect(await db.credentialEvent.count({ where: { credentialNumber: NUMBER } })).toBe(0);
      expect(await db.commandReceipt.count({ where: { credentialNumber: NUMBER } })).toBe(0);
    },
  );

  it('when any command route is called, then the workflow gets the receipt instant taken as the request arrived', async () => {
    const signals = [
      {
        role: 'service' as const,
        path: `${p}/ceu-completions`,
        body: {
          provider: 'acme',
          completionId: 'C-1',
          course: 'Core',
          units: '0.50',
          completedOn: '2026-01-02',
          approved: true,
        },
      },
      {
        role: 'portal' as const,
        path: `${p}/cpr-aed`,
        body: { certificationId: 'RC-1', issuedOn: '2026-01-02', expiresOn: '2028-01-02', handsOn: true },
      },
    ];
    fake.handle.executeUpdate.mockImplementation((update: { name: string }) =>
      Promise.resolve(workflowAnswer(update)),
    );
    // A report is checked against what the run holds (no row in PostgreSQL here: its query answers).
    fake.handle.query.mockResolvedValue(viewOf(null));
    const before = Date.now();
    for (const route of [...UPDATES, ...signals]) {
      const answer = await call('POST', route.path, { token: tokens[route.role], body: route.body });
      expect({ path: route.path, ok: answer.status < 300 }).toEqual({ path: route.path, ok: true });
    }
    const after = Date.now();
    const sent = [
      ...fake.handle.executeUpdate.mock.calls.map(
        (c) => (c[1] as { args: [{ receivedAt?: string }] }).args[0],
      ),
      ...fake.handle.signal.mock.calls.map((c) => c[1] as { receivedAt?: string }),
    ];
    expect(sent).toHaveLength(UPDATES.length + signals.length);
    for (const command of sent) {
      const at = Date.parse(command.receivedAt ?? '');
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
    }
  });

  it('when a receipt is older than 30 days, then it no longer answers, and a later insert purges or replaces it', async () => {
    const key = { credentialNumber: 'CPT-RETAIN-1', operation: 'filePetition', idempotencyKey: 'old-1' };
    const first = Date.parse('2026-01-01T00:00:00Z');
    const receipt = {
      requestHash: 'h1',
      status: 201,
      response: { headers: {}, body: { petitionId: 'P-1' } },
    };
    await repository.saveCommandReceipt(key, receipt, first);
    const day = 24 * 60 * 60 * 1000;
    expect(await repository.findCommandReceipt(key, first + 29 * day)).toMatchObject({ status: 201 });
    expect(await repository.findCommandReceipt(key, first + 31 * day)).toBeNull();
    // A live receipt is never overwritten: the first outcome stays.
    const stored = await repository.saveCommandReceipt(key, { ...receipt, requestHash: 'h2' }, first + day);
    expect(stored.requestHash).toBe('h1');
    // Another command's insert 31 days on purges the expired row; the same key may then be used anew.
    const other = { ...key, idempotencyKey: 'new-1' };
    await repository.saveCommandReceipt(other, receipt, first + 31 * day);
    expect(await db.commandReceipt.count({ where: { credentialNumber: 'CPT-RETAIN-1' } })).toBe(1);
    const reused = await repository.saveCommandReceipt(
      key,
      { ...receipt, requestHash: 'h3' },
      first + 32 * day,
    );
    expect(reused.requestHash).toBe('h3');
  });

  it('when PostgreSQL fails to store the outcome, then 503 with Retry-After, and the retry with the key gets the outcome', async () => {
    const save = jest
      .spyOn(repository, 'saveCommandReceipt')
      .mockRejectedValueOnce(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      );
    const headers = { 'idempotency-key': 'store-down-1' };
    const body = { paymentReference: 'pay-store-down', amountPaidCents: 9900 };
    fake.handle.executeUpdate.mockImplementation((update: { name: string }) =>
      Promise.resolve(workflowAnswer(update, { applicationId: 'A-2' })),
    );
    const down = await call('POST', `${p}/applications`, { token: tokens.portal, headers, body });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.body.error.message).toContain('same Idempotency-Key');
    // The workflow answers the retry by its update id; this time the outcome is stored.
    const retried = await call('POST', `${p}/applications`, { token: tokens.portal, headers, body });
    expect(retried).toMatchObject({ status: 201, body: { applicationId: 'A-2' } });
    expect(await db.commandReceipt.count({ where: { idempotencyKey: 'store-down-1' } })).toBe(1);
    save.mockRestore();
  });

  it('when two first tries of one key race with different requests, then one is answered and the other is a 422', async () => {
    // Both pass the lookup before either is stored; the workflow answers both with the first outcome.
    fake.handle.executeUpdate.mockImplementation(
      (update: { name: string }) =>
        new Promise((resolve) =>
          setTimeout(() => resolve(workflowAnswer(update, { petitionId: 'P-RACE' })), 200),
        ),
    );
    const headers = { 'idempotency-key': 'race-1' };
    const answers = await Promise.all(
      ['pay-race-a', 'pay-race-b'].map((paymentReference) =>
        call('POST', `${p}/petitions`, {
          token: tokens.portal,
          headers,
          body: { ...petition, paymentReference },
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 422]);
    expect(answers.find((a) => a.status === 422)?.body.error.details[0]?.code).toBe('idempotency_key_reused');
  });

  it('when the workflow is not answering (503), then no outcome is stored: the retry with the key reaches it again', async () => {
    // As @grpc/grpc-js reports it: a numeric code with its details.
    const grpcUnavailable = Object.assign(new Error('14 UNAVAILABLE'), {
      code: 14,
      details: 'No connection established',
    });
    const { ServiceError } = await import('@temporalio/client');
    fake.handle.executeUpdate.mockRejectedValueOnce(
      new ServiceError('unavailable', { cause: grpcUnavailable }),
    );
    const headers = { 'idempotency-key': 'outage-1' };
    const body = { paymentReference: 'pay-outage', amountPaidCents: 9900 };
    const down = await call('POST', `${p}/applications`, { token: tokens.portal, headers, body });
    expect(down.status).toBe(503);
    fake.handle.executeUpdate.mockImplementationOnce((update: { name: string }) =>
      Promise.resolve(workflowAnswer(update)),
    );
    const retried = await call('POST', `${p}/applications`, { token: tokens.portal, headers, body });
    expect(retried.status).toBe(201);
    expect(fake.handle.executeUpdate).toHaveBeenCalledTimes(2);
    expect(fake.handle.executeUpdate.mock.calls[1]?.[1]).toMatchObject({
      updateId: 'submitApplication:outage-1',
    });
  });
});
