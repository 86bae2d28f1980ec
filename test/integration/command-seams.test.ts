import type { PetitionDecidedAnswer } from '../../api/schemas/responses';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { cycleDates } from '../../rules/cycle';
import { NASM_CPT } from '../../rules/policies';
import { type ApplicationAccepted, credentialWorkflowId, type PetitionFiled } from '../../workflows/contract';
import { type CredentialRead, eventually, type HttpClient, httpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';

// The command path's seams over HTTP + the dev server + PostgreSQL (issue 9): the API's receipt
// instant reaches the workflow, an Idempotency-Key outlives a renewal (a new run) and a revocation (a
// closed run), a petition decided after its cycle renewed says so, a lapsed credential is not enrolled.

/** The API's clock runs this far behind the worker's, so the stamp a command carries shows whose it is. */
const API_SKEW_MS = 10 * 60 * 1000;

/** Every command payload (signal and accepted update) in a run's history, decoded. */
async function commandsIn(stack: Stack, number: string): Promise<Record<string, unknown>[]> {
  const history = await stack.env.client.workflow.getHandle(credentialWorkflowId(number)).fetchHistory();
  const payloads = (history.events ?? []).flatMap(
    (e) =>
      e.workflowExecutionSignaledEventAttributes?.input?.payloads ??
      e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ??
      [],
  );
  return payloads.map(
    (p) => JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString('utf8')) as Record<string, unknown>,
  );
}

describe('command seams over HTTP: receipt stamps, retries across renewal, petitions after renewal, lapsed enrolment', () => {
  let stack: Stack;
  let call: HttpClient;
  const keys = { service: '', portal: '', ops: '' };
  const apiNow = () => Date.now() - API_SKEW_MS;
  const today = dateAt(apiNow(), NASM_CPT.timeZone);
  // In its cycle's last days: an application is accepted today and, never audited here, renews at once.
  const certifiedOn = addDays(addYears(today, -2), 10);

  beforeAll(async () => {
    stack = await startStack({ taskQueue: 'command-seams', auditDraw: () => 9999, apiNow });
    call = httpClient(stack.baseUrl);
    for (const role of ['service', 'portal', 'ops'] as const) {
      keys[role] = (await stack.repository.createApiKey(role, `seams ${role}`)).token;
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function enrol(number: string, certificationDate = certifiedOn) {
    return call('POST', '/credentials', {
      token: keys.service,
      body: {
        credentialNumber: number,
        certificationDate,
        holder: { name: 'Seam Holder', email: 'seam.holder@example.com' },
      },
    });
  }

  /** 1.90 CEUs of courses and a hands-on CPR/AED (0.10): NASM's requirement, met. */
  async function meetRequirement(number: string) {
    const reported = await call('POST', `/credentials/${number}/ceu-completions`, {
      token: keys.service,
      body: {
        provider: 'acme-ce',
        completionId: `${number}-A1`,
        course: 'Program design',
        units: '1.90',
        completedOn: addDays(today, -40),
        approved: true,
      },
    });
    expect(reported.status).toBe(202);
    const cpr = await call('POST', `/credentials/${number}/cpr-aed`, {
      token: keys.portal,
      body: {
        certificationId: `${number}-RC`,
        issuedOn: addDays(today, -5),
        expiresOn: addDays(today, 700),
        handsOn: true,
      },
    });
    expect(cpr.status).toBe(202);
  }

  const petition = (completedOn: string) => ({
    course: 'Kettlebell workshop (not pre-approved)',
    provider: 'local-gym',
    requestedUnits: '0.50',
    completedOn,
    paymentReference: 'pay-petition-1',
    amountPaidCents: 2500,
  });

  it('when commands arrive, then each carries the instant the API received it, not the worker’s clock', async () => {
    const number = 'SEAM-STAMP-1';
    expect((await enrol(number)).status).toBe(202);
    const before = apiNow();
    await meetRequirement(number);
    const filed = await call<PetitionFiled>('POST', `/credentials/${number}/petitions`, {
      token: keys.portal,
      body: petition(addDays(today, -3)),
    });
    expect(filed.status).toBe(201);
    const decided = await call('POST', `/credentials/${number}/petitions/${filed.body.petitionId}/decision`, {
      token: keys.ops,
      body: { decision: 'denied', reason: 'Not a recognised provider.' },
    });
    expect(decided.status).toBe(200);
    const revoked = await call('POST', `/credentials/${number}/revocation`, {
      token: keys.ops,
      body: { reason: 'Stamp test over.' },
    });
    expect(revoked.status).toBe(200);
    const after = apiNow();

    const commands = await eventually(async () => {
      const found = await commandsIn(stack, number);
      return found.length >= 5 && found;
    });
    expect(commands).toHaveLength(5);
    for (const command of commands) {
      expect(command.receivedAt).toEqual(expect.any(String));
      const stamp = Date.parse(command.receivedAt as string);
      // The API's (skewed) clock, taken on arrival: ten minutes behind the worker's.
      expect(stamp).toBeGreaterThanOrEqual(before);
      expect(stamp).toBeLessThanOrEqual(after);
    }
  });

  it('when a petition and an application are retried with their keys after the renewal, then each answers its first outcome and nothing is charged twice', async () => {
    const number = 'SEAM-RETRY-1';
    expect((await enrol(number)).status).toBe(202);
    await meetRequirement(number);
    const body = petition(addDays(today, -20));
    const petitionKey = { 'idempotency-key': 'seam-petition-1' };
    const filed = await call<PetitionFiled>('POST', `/credentials/${number}/petitions`, {
      token: keys.portal,
      headers: petitionKey,
      body,
    });
    expect(filed.status).toBe(201);
    await eventually(async () => {
      const { body: read } = await call<CredentialRead>('GET', `/credentials/${number}`, {
        token: keys.portal,
      });
      return read.state?.ceus.shortfall === '0.00';
    });
    const applicationKey = { 'idempotency-key': 'seam-application-1' };
    const application = { paymentReference: 'pay-renewal-1', amountPaidCents: 9900 };
    const applied = await call<ApplicationAccepted>('POST', `/credentials/${number}/applications`, {
      token: keys.portal,
      headers: applicationKey,
      body: application,
    });
    expect(applied.status).toBe(201);
    expect(applied.body.auditSelected).toBe(false);
    await eventually(
      async () => {
        const { body: read } = await call<CredentialRead>('GET', `/credentials/${number}`, {
          token: keys.ops,
        });
        return read.state?.cycle === 2;
      },
      30_000,
      'cycle 2',
    );

    // The portal's first calls timed out (as far as it knows): it retries both, on the renewed credential.
    const petitionAgain = await call<PetitionFiled>('POST', `/credentials/${number}/petitions`, {
      token: keys.portal,
      headers: petitionKey,
      body,
    });
    expect(petitionAgain.status).toBe(201);
    expect(petitionAgain.body).toEqual(filed.body);
    expect(petitionAgain.headers.get('location')).toBe(filed.headers.get('location'));
    expect(petitionAgain.headers.get('idempotent-replayed')).toBe('true');
    const applicationAgain = await call<ApplicationAccepted>('POST', `/credentials/${number}/applications`, {
      token: keys.portal,
      headers: applicationKey,
      body: application,
    });
    expect(applicationAgain.status).toBe(201);
    expect(applicationAgain.body).toEqual(applied.body);

    // The same key with another request is refused, naming the key, and files nothing.
    const reused = await call('POST', `/credentials/${number}/petitions`, {
      token: keys.portal,
      headers: petitionKey,
      body: { ...body, paymentReference: 'pay-petition-2' },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.error.message).toContain('seam-petition-1');
    expect(reused.body.error.message).toContain('different filePetition request');

    const where = { credentialNumber: number };
    // The projection writes the renewal's charge a moment after the run has moved on.
    const ledger = await eventually(async () => {
      const rows = await stack.db.feeLedgerEntry.findMany({ where });
      return rows.length >= 2 && rows;
    });
    expect(ledger.map((e) => [e.code, e.amount]).sort()).toEqual([
      ['petition', 2500],
      ['renewal', 9900],
    ]);
    expect(await stack.db.commandReceipt.count({ where })).toBe(2);
    const history = await call<{ events: { type: string; outcome: string }[] }>(
      'GET',
      `/credentials/${number}/history`,
      { token: keys.ops },
    );
    expect(history.body.events.filter((e) => e.outcome === 'rejected')).toEqual([]);
    expect(history.body.events.filter((e) => e.type === 'petition_filed')).toHaveLength(1);

    // Filed in cycle 1, decided in cycle 2: approved, and the answer says its CEUs count nowhere.
    const decided = await call<PetitionDecidedAnswer>(
      'POST',
      `/credentials/${number}/petitions/${filed.body.petitionId}/decision`,
      { token: keys.ops, headers: { 'idempotency-key': 'seam-decision-1' }, body: { decision: 'approved' } },
    );
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'approved', grantedUnits: '0.50' });
    const cycle1 = cycleDates(certifiedOn, NASM_CPT);
    expect(decided.body.note).toContain(
      `the cycle ${cycle1.start} to ${cycle1.expiration}, which has already renewed`,
    );
    expect(decided.body.note).toContain('The petition fee stays paid.');
    const ledgerAfter = await stack.db.feeLedgerEntry.findMany({ where });
    expect(ledgerAfter.filter((e) => e.code === 'petition').map((e) => e.amount)).toEqual([2500]);
  });

  it('when a revocation is retried with its key after the workflow closed, then it answers the first 200, not 409 closed', async () => {
    const number = 'SEAM-REVOKE-1';
    expect((await enrol(number)).status).toBe(202);
    const key = { 'idempotency-key': 'seam-revoke-1' };
    const first = await call('POST', `/credentials/${number}/revocation`, {
      token: keys.ops,
      headers: key,
      body: { reason: 'Fraudulent certificate.' },
    });
    expect(first.status).toBe(200);
    await eventually(async () => {
      const description = await stack.env.client.workflow.getHandle(credentialWorkflowId(number)).describe();
      return description.status.name === 'COMPLETED';
    });
    const again = await call('POST', `/credentials/${number}/revocation`, {
      token: keys.ops,
      headers: key,
      body: { reason: 'Fraudulent certificate.' },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    // Answered from the API's receipts: it does not depend on Temporal still knowing the closed run.
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // Without the key it is a new command, which a closed credential refuses.
    const fresh = await call('POST', `/credentials/${number}/revocation`, {
      token: keys.ops,
      body: { reason: 'Fraudulent certificate.' },
    });
    expect(fresh.status).toBe(409);
  });

  it('when a refused application is retried with its key, then the stored refusal answers and is recorded once', async () => {
    const number = 'SEAM-REFUSED-1';
    expect((await enrol(number)).status).toBe(202);
    const key = { 'idempotency-key': 'seam-refused-1' };
    const application = { paymentReference: 'pay-short-1', amountPaidCents: 9900 };
    const first = await call('POST', `/credentials/${number}/applications`, {
      token: keys.portal,
      headers: key,
      body: application,
    });
    expect(first.status).toBe(422);
    const again = await call('POST', `/credentials/${number}/applications`, {
      token: keys.portal,
      headers: key,
      body: application,
    });
    expect(again.status).toBe(422);
    expect(again.body).toEqual(first.body);
    expect(
      await stack.db.credentialEvent.count({ where: { credentialNumber: number, outcome: 'rejected' } }),
    ).toBe(1);
  });

  it('when a credential whose lapse date has passed is enrolled, then 422 names that date and nothing starts', async () => {
    const number = 'SEAM-LAPSED-1';
    const lapsed = cycleDates('2020-03-02', NASM_CPT);
    const answer = await enrol(number, '2020-03-02');
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toContain(`lapsed on ${lapsed.lapseDate}`);
    expect(answer.body.error.details).toEqual([
      expect.objectContaining({ field: 'certificationDate', code: 'lapsed' }),
    ]);
    await expect(
      stack.env.client.workflow.getHandle(credentialWorkflowId(number)).describe(),
    ).rejects.toThrow();
    expect(await stack.db.holder.count({ where: { credentialNumber: number } })).toBe(0);
  });
});
