import { FeeQuoteOut } from '../../api/schemas/responses';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { cycleDates } from '../../rules/cycle';
import { quoteFee } from '../../rules/fees';
import { NASM_CPT } from '../../rules/policies';
import type { CredentialSummary, Page } from '../../db/types';
import { type CredentialView, credentialWorkflowId } from '../../workflows/contract';
import {
  type CredentialRead,
  eventually,
  type HistoryAnswer,
  type HttpClient,
  httpClient,
  type QuoteAnswer,
} from '../support/http';
import { startStack, type Stack } from '../support/stack';

// Every route's success path, its validation and its idempotent repeat, over real HTTP against the
// real worker, Temporal dev server and PostgreSQL.

const TZ = NASM_CPT.timeZone;

describe('API routes against the real stack', () => {
  let stack: Stack;
  let call: HttpClient;
  const keys = { service: '', portal: '', ops: '' };
  const ids = { service: '', portal: '', ops: '' };
  const today = dateAt(Date.now(), TZ);
  // In cycle: E is a year away.
  const certifiedOn = addDays(addYears(today, -1), 1);
  const holder = { name: 'Ada Testperson', email: 'ada.testperson@example.com' };

  beforeAll(async () => {
    stack = await startStack({ taskQueue: 'api-routes', auditDraw: () => 9_999 });
    call = httpClient(stack.baseUrl);
    for (const role of ['service', 'portal', 'ops'] as const) {
      const key = await stack.repository.createApiKey(role, `api-routes ${role}`);
      keys[role] = key.token;
      ids[role] = key.id;
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const enrol = <T = unknown>(credentialNumber: string, extra: Record<string, unknown> = {}) =>
    call<T>('POST', '/credentials', {
      token: keys.service,
      body: { credentialNumber, certificationDate: certifiedOn, holder, ...extra },
    });

  /** Enrolled and its first event projected, so reads through the repository see it. */
  async function enrolled(credentialNumber: string): Promise<void> {
    expect((await enrol(credentialNumber)).status).toBe(202);
    await eventually(() => stack.repository.findCredential(credentialNumber), 20_000, 'credential row');
  }

  const state = async (number: string) =>
    (await call<CredentialRead>('GET', `/credentials/${number}`, { token: keys.ops })).body.state;

  describe('POST /credentials', () => {
    it('when a credential is enrolled, then 202 with Location, the holder is stored, and the workflow input carries no personal data', async () => {
      const answer = await enrol('API-ENROL-1');
      expect(answer.status).toBe(202);
      expect(answer.headers.get('location')).toBe('/credentials/API-ENROL-1');
      expect(answer.body).toEqual({
        credentialNumber: 'API-ENROL-1',
        workflowId: 'credential-API-ENROL-1',
        created: true,
      });
      expect(await stack.db.holder.findUnique({ where: { credentialNumber: 'API-ENROL-1' } })).toMatchObject(
        holder,
      );
      const history = await stack.env.client.workflow
        .getHandle(credentialWorkflowId('API-ENROL-1'))
        .fetchHistory();
      const input = (history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [])
        .map((p) => Buffer.from(p.data ?? new Uint8Array()).toString('utf8'))
        .join('');
      expect(input).toContain(certifiedOn);
      expect(input).not.toContain(holder.email);
      expect(input).not.toContain(holder.name);
    });

    it('when the same enrolment is repeated, then 200 created:false; with another date, 409', async () => {
      const again = await enrol<{ created: boolean }>('API-ENROL-1');
      expect(again.status).toBe(200);
      expect(again.body.created).toBe(false);
      const conflict = await enrol('API-ENROL-1', { certificationDate: addDays(certifiedOn, 1) });
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.code).toBe('conflict');
    });

    it('when Temporal has forgotten a closed credential, then the database still answers: no second enrolment', async () => {
      // A revoked credential whose workflow is past the namespace's retention: only its rows remain.
      const number = 'API-FORGOTTEN-1';
      await stack.repository.recordEvent({
        type: 'cycle_started',
        key: `${number}:c1:cycle_started`,
        credentialNumber: number,
        cycle: 1,
        at: Date.now(),
        actor: { kind: 'system', id: 'workflow' },
        policyId: NASM_CPT.id,
        workflowId: credentialWorkflowId(number),
        certifiedOn,
        dates: cycleDates(certifiedOn, NASM_CPT),
        phase: 'Revoked',
      });
      const again = await enrol<{ created: boolean }>(number);
      expect(again.status).toBe(200);
      expect(again.body.created).toBe(false);
      expect((await enrol(number, { certificationDate: addDays(certifiedOn, 1) })).status).toBe(409);
      const runs = await stack.env.client.workflow.count(`WorkflowId = '${credentialWorkflowId(number)}'`);
      expect(runs.count).toBe(0);
    });

    it('when the certification date is in the future or the holder is missing, then 400 names the field', async () => {
      const future = await enrol('API-ENROL-2', { certificationDate: addDays(today, 2) });
      expect(future.status).toBe(400);
      expect(future.body.error.details[0]).toMatchObject({ field: 'certificationDate' });
      const noHolder = await call('POST', '/credentials', {
        token: keys.ops,
        body: { credentialNumber: 'API-ENROL-2', certificationDate: certifiedOn, holder: { name: 'A' } },
      });
      expect(noHolder.status).toBe(400);
      expect(noHolder.body.error.details[0]).toMatchObject({ field: 'holder.email' });
    });
  });

  describe('facts reported: CEU completions and CPR/AED', () => {
    const completion = {
      provider: 'acme-ce',
      completionId: 'c-100',
      course: 'Program design',
      units: '0.50',
      completedOn: today,
      approved: true,
    };

    it('when a completion is reported twice, then both answer 202 and it is recorded once, as 50 hundredths', async () => {
      await enrolled('API-CEU-1');
      const path = '/credentials/API-CEU-1/ceu-completions';
      expect((await call('POST', path, { token: keys.service, body: completion })).status).toBe(202);
      expect((await call('POST', path, { token: keys.service, body: completion })).status).toBe(202);
      const view = await eventually(async () => {
        const s = await state('API-CEU-1');
        return s.completions.length > 0 && s;
      });
      expect(view.completions).toEqual([expect.objectContaining({ completionId: 'c-100', units: '0.50' })]);
      await eventually(
        async () => (await stack.db.ceuRecord.count({ where: { credentialNumber: 'API-CEU-1' } })) > 0,
      );
      expect(await stack.db.ceuRecord.count({ where: { credentialNumber: 'API-CEU-1' } })).toBe(1);
    });

    it('when units are a JSON number, then they are parsed the same way', async () => {
      const answer = await call('POST', '/credentials/API-CEU-1/ceu-completions', {
        token: keys.service,
        body: { ...completion, completionId: 'c-101', units: 0.3 },
      });
      expect(answer.status).toBe(202);
      const view = await eventually(async () => {
        const s = await state('API-CEU-1');
        return s.completions.length > 1 && s;
      });
      expect(view.completions.find((c) => c.completionId === 'c-101')?.units).toBe('0.30');
    });

    it('when a completion is reported for an unknown credential, then 404', async () => {
      const answer = await call('POST', '/credentials/API-NOPE-1/ceu-completions', {
        token: keys.service,
        body: completion,
      });
      expect(answer.status).toBe(404);
    });

    it('when the portal reports a CPR/AED certification, then 202 and the workflow holds it', async () => {
      const cert = {
        certificationId: 'cpr-1',
        issuedOn: addDays(today, -10),
        expiresOn: addDays(today, 700),
        handsOn: true,
      };
      const answer = await call('POST', '/credentials/API-CEU-1/cpr-aed', { token: keys.portal, body: cert });
      expect(answer.status).toBe(202);
      const view = await eventually(async () => {
        const s = await state('API-CEU-1');
        return s.cprAed.length > 0 && s;
      });
      expect(view.cprAed).toEqual([cert]);
    });

    it('when the CPR/AED dates are not dates, then 400 for each', async () => {
      const answer = await call('POST', '/credentials/API-CEU-1/cpr-aed', {
        token: keys.portal,
        body: { certificationId: 'cpr-2', issuedOn: '2026-13-01', expiresOn: 'soon', handsOn: 'yes' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.map((d) => d.field).sort()).toEqual([
        'expiresOn',
        'handsOn',
        'issuedOn',
      ]);
    });
  });

  describe('GET /credentials/:number/fee-quote', () => {
    it('when asked for a day, then the quote is the rules module’s for the credential’s dates', async () => {
      const view = await state('API-CEU-1');
      const late = addDays(view.dates.expiration, 5);
      const answer = await call<QuoteAnswer>('GET', `/credentials/API-CEU-1/fee-quote?on=${late}`, {
        token: keys.portal,
      });
      expect(answer.status).toBe(200);
      expect(answer.body.quote).toEqual(FeeQuoteOut.parse(quoteFee(view.dates, NASM_CPT, late)));
      expect(answer.body.quote.totalCents).toBe(12900);
    });

    it('when no day is given, then it quotes today in the policy’s zone (ops may read it too)', async () => {
      const answer = await call<QuoteAnswer>('GET', '/credentials/API-CEU-1/fee-quote', { token: keys.ops });
      expect(answer.body.quote).toMatchObject({
        accepted: true,
        window: 'in_cycle',
        on: today,
        totalCents: 9900,
      });
    });

    it('when the day is not a date, then 400 on "on"', async () => {
      const answer = await call('GET', '/credentials/API-CEU-1/fee-quote?on=tomorrow', {
        token: keys.portal,
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details[0]?.field).toBe('on');
    });
  });

  describe('petitions', () => {
    const petition = {
      course: 'Kettlebell workshop',
      provider: 'local-gym',
      requestedUnits: '0.40',
      completedOn: today,
      paymentReference: 'pay-pet-1',
      amountPaidCents: 2500,
    };

    it('when a petition is filed twice with one Idempotency-Key, then both answer 201 with the same petition', async () => {
      await enrolled('API-PET-1');
      const options = { token: keys.portal, body: petition, headers: { 'idempotency-key': 'pet-key-1' } };
      const first = await call('POST', '/credentials/API-PET-1/petitions', options);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        petitionId: expect.any(String),
        fee: { code: 'petition', amountCents: 2500 },
      });
      const repeat = await call('POST', '/credentials/API-PET-1/petitions', options);
      expect(repeat.status).toBe(201);
      expect(repeat.body).toEqual(first.body);
      expect((await state('API-PET-1')).petitions).toHaveLength(1);
    });

    it('when a petition underpays, then 422 lists the reason and the refusal is in the history', async () => {
      const answer = await call('POST', '/credentials/API-PET-1/petitions', {
        token: keys.portal,
        body: { ...petition, paymentReference: 'pay-pet-2', amountPaidCents: 100 },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('rejected');
      expect(answer.body.error.details.length).toBeGreaterThan(0);
      for (const d of answer.body.error.details)
        expect(d).toEqual({ code: expect.any(String), message: expect.any(String) });
      const history = await call<HistoryAnswer>('GET', '/credentials/API-PET-1/history', { token: keys.ops });
      expect(history.body.events).toContainEqual(
        expect.objectContaining({
          type: 'filePetition',
          outcome: 'rejected',
          actor: { kind: 'portal', id: ids.portal, label: 'api-routes portal' },
        }),
      );
    });

    it('when ops approve it, then 200 with the grant; deciding again is a 422 unless the Idempotency-Key repeats', async () => {
      const petitionId = (await state('API-PET-1')).petitions[0]?.petitionId ?? 'missing';
      const path = `/credentials/API-PET-1/petitions/${petitionId}/decision`;
      const options = {
        token: keys.ops,
        body: { decision: 'approved', grantedUnits: '0.30' },
        headers: { 'idempotency-key': 'decide-1' },
      };
      const decided = await call('POST', path, options);
      expect(decided.status).toBe(200);
      expect(decided.body).toMatchObject({ petitionId, status: 'approved', grantedUnits: '0.30' });
      expect((await call('POST', path, options)).body).toEqual(decided.body);
      const again = await call('POST', path, { ...options, headers: { 'idempotency-key': 'decide-2' } });
      expect(again.status).toBe(422);
      expect(again.body.error.details.map((d) => d.code)).toContain('petition_not_pending');
    });

    it('when the petition does not exist, then 422 petition_not_found', async () => {
      const answer = await call('POST', '/credentials/API-PET-1/petitions/nope/decision', {
        token: keys.ops,
        body: { decision: 'denied', reason: 'Not a course.' },
      });
      expect(answer.status).toBe(422);
      expect(answer.body.error.details.map((d) => d.code)).toContain('petition_not_found');
    });
  });

  describe('applications and audits', () => {
    it('when an application lacks everything, then 422 lists every reason and it is recorded as rejected', async () => {
      await enrolled('API-APP-1');
      const answer = await call('POST', '/credentials/API-APP-1/applications', {
        token: keys.portal,
        body: { paymentReference: 'pay-app-1', amountPaidCents: 1000 },
      });
      expect(answer.status).toBe(422);
      const codes = answer.body.error.details.map((d) => d.code);
      expect(codes).toEqual(expect.arrayContaining(['insufficient_ceus', 'cpr_aed_missing', 'underpaid']));
      const refusal = await stack.db.credentialEvent.findFirst({
        where: { credentialNumber: 'API-APP-1', outcome: 'rejected', type: 'submitApplication' },
      });
      expect(refusal).toMatchObject({ actorKind: 'portal', actorId: ids.portal });
    });

    it('when there is no audit, then documents and a decision are 422 no_audit_pending', async () => {
      const documents = await call('POST', '/credentials/API-APP-1/audit/documents', {
        token: keys.portal,
        body: { documents: [{ reference: 's3://docs/1.pdf', description: 'Certificate' }] },
      });
      expect(documents.status).toBe(422);
      expect(documents.body.error.details.map((d) => d.code)).toContain('no_audit_pending');
      const decision = await call('POST', '/credentials/API-APP-1/audit/decision', {
        token: keys.ops,
        body: { outcome: 'passed', reason: 'Documents check out.' },
      });
      expect(decision.status).toBe(422);
    });

    it('when documents are empty, then 400 before reaching the workflow', async () => {
      const answer = await call('POST', '/credentials/API-APP-1/audit/documents', {
        token: keys.portal,
        body: { documents: [] },
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details[0]?.field).toBe('documents');
    });
  });

  describe('reads', () => {
    it('when portal or ops read a credential, then state and records come back', async () => {
      for (const token of [keys.portal, keys.ops]) {
        const answer = await call<CredentialRead>('GET', '/credentials/API-CEU-1', { token });
        expect(answer.status).toBe(200);
        expect(answer.body.state).toMatchObject({ credentialNumber: 'API-CEU-1', cycle: 1, phase: 'Active' });
        expect(answer.body.records?.credential).toMatchObject({ number: 'API-CEU-1', phase: 'Active' });
      }
    });

    it('when an unknown credential is read, then 404 (and its history too)', async () => {
      expect((await call('GET', '/credentials/API-NOPE-2', { token: keys.ops })).status).toBe(404);
      expect((await call('GET', '/credentials/API-NOPE-2/history', { token: keys.ops })).status).toBe(404);
    });

    it('when ops read the history, then it has the accepted facts with their actors', async () => {
      const answer = await call<HistoryAnswer>('GET', '/credentials/API-CEU-1/history', { token: keys.ops });
      expect(answer.status).toBe(200);
      expect(answer.body.events).toContainEqual(
        expect.objectContaining({
          outcome: 'accepted',
          actor: { kind: 'service', id: ids.service, label: 'api-routes service' },
        }),
      );
      expect(JSON.stringify(answer.body)).not.toContain(holder.email);
    });

    it('when ops list credentials a page at a time, then the cursor walks every match once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/credentials?phase=Active&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await call<Page<CredentialSummary>>('GET', query, { token: keys.ops });
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((c) => c.number));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(['API-ENROL-1', 'API-CEU-1', 'API-PET-1', 'API-APP-1']));
      const none = await call('GET', `/credentials?expiringBefore=${certifiedOn}`, { token: keys.ops });
      expect(none.body).toEqual({ items: [], nextCursor: null });
    });

    it('when anyone verifies a credential, then the status is honest and there is no personal data', async () => {
      const answer = await call('GET', '/verify/API-CEU-1');
      expect(answer.status).toBe(200);
      const view = await state('API-CEU-1');
      expect(answer.body).toEqual({
        credentialNumber: 'API-CEU-1',
        certification: NASM_CPT.name,
        status: 'active',
        statusText: `active — valid through ${view.dates.expiration}`,
        validFrom: certifiedOn,
        expiresOn: view.dates.expiration,
        renewableUntil: null,
      });
      expect(JSON.stringify(answer.body)).not.toMatch(/Ada|example\.com/);
      expect((await call('GET', '/verify/API-NOPE-3')).status).toBe(404);
    });

    it('when a credential is past E but renewable, then verification says expired with the last day, never active', async () => {
      expect((await enrol('API-EXP-1', { certificationDate: addDays(addYears(today, -2), -5) })).status).toBe(
        202,
      );
      const view = await eventually(async () => {
        const s = await state('API-EXP-1');
        return s.phase === 'ExpiredLate' && s;
      });
      const answer = await call('GET', '/verify/API-EXP-1');
      expect(answer.body).toMatchObject({
        status: 'expired',
        statusText: `expired on ${view.dates.expiration} — renewable until ${view.lastApplicationDay}`,
        renewableUntil: view.lastApplicationDay,
      });
    });

    it('when readiness is asked, then PostgreSQL and Temporal both answer', async () => {
      expect(await call('GET', '/ready')).toMatchObject({
        status: 200,
        body: { status: 'ready', checks: { database: 'ok', temporal: 'ok' } },
      });
    });
  });

  describe('POST /credentials/:number/revocation', () => {
    it('when ops revoke, then 200 Revoked; later commands are 409 closed; verification says revoked', async () => {
      await enrolled('API-REV-1');
      const revoked = await call<CredentialView>('POST', '/credentials/API-REV-1/revocation', {
        token: keys.ops,
        body: { reason: 'Fraudulent exam record.' },
      });
      expect(revoked.status).toBe(200);
      expect(revoked.body.phase).toBe('Revoked');
      await eventually(async () => {
        const d = await stack.env.client.workflow.getHandle(credentialWorkflowId('API-REV-1')).describe();
        return d.status.name !== 'RUNNING';
      });
      const afterwards = await call('POST', '/credentials/API-REV-1/applications', {
        token: keys.portal,
        body: { paymentReference: 'pay-rev', amountPaidCents: 9900 },
      });
      expect(afterwards.status).toBe(409);
      expect(afterwards.body.error.code).toBe('closed');
      const signal = await call('POST', '/credentials/API-REV-1/cpr-aed', {
        token: keys.portal,
        body: { certificationId: 'cpr-x', issuedOn: today, expiresOn: addDays(today, 30), handsOn: true },
      });
      expect(signal.status).toBe(409);
      const verify = await call('GET', '/verify/API-REV-1');
      expect(verify.body).toMatchObject({ status: 'revoked', statusText: 'revoked' });
    });

    it('when the reason is blank, then 400', async () => {
      const answer = await call('POST', '/credentials/API-REV-1/revocation', {
        token: keys.ops,
        body: { reason: '  ' },
      });
      expect(answer.status).toBe(400);
    });
  });
});
