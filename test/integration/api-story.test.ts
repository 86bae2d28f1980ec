import { addDays, addYears, dateAt } from '../../rules/calendar';
import { cycleDates, nextCycleDates } from '../../rules/cycle';
import { NASM_CPT } from '../../rules/policies';
import type { ApplicationAccepted, AuditView } from '../../workflows/contract';
import {
  type CredentialRead,
  eventually,
  type HistoryAnswer,
  type HttpClient,
  httpClient,
  type QuoteAnswer,
} from '../support/http';
import { startStack, type Stack } from '../support/stack';

// One credential from enrolment to renewal through the API alone, in real time (the dev server does
// not skip time): certified two years ago less ten days, so it is in its cycle's last days.

describe('end to end through the API: enrolment → CEUs → CPR/AED → quote → application → (audit) → renewed', () => {
  let stack: Stack;
  let call: HttpClient;
  const keys = { service: '', portal: '', ops: '' };
  const NUMBER = 'API-STORY-1';
  const today = dateAt(Date.now(), NASM_CPT.timeZone);
  const certifiedOn = addDays(addYears(today, -2), 10);
  const cycle1 = cycleDates(certifiedOn, NASM_CPT);

  beforeAll(async () => {
    stack = await startStack({ taskQueue: 'api-story', auditDraw: () => 0 });
    call = httpClient(stack.baseUrl);
    for (const role of ['service', 'portal', 'ops'] as const) {
      keys[role] = (await stack.repository.createApiKey(role, `story ${role}`)).token;
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('when the holder meets the requirement and pays the quoted fee, then the credential renews into cycle 2, recorded once', async () => {
    const enrolled = await call('POST', '/credentials', {
      token: keys.service,
      body: {
        credentialNumber: NUMBER,
        certificationDate: certifiedOn,
        holder: { name: 'Story Holder', email: 'story.holder@example.com' },
      },
    });
    expect(enrolled.status).toBe(202);

    // 1.90 approved course CEUs from two providers, plus a hands-on CPR/AED (0.10).
    const courses = [
      {
        provider: 'acme-ce',
        completionId: 'A-1',
        course: 'Nutrition basics',
        units: '1.00',
        completedOn: addDays(today, -200),
      },
      {
        provider: 'fit-edu',
        completionId: 'F-7',
        course: 'Corrective exercise',
        units: 0.9,
        completedOn: addDays(today, -30),
      },
    ];
    for (const course of courses) {
      const reported = await call('POST', `/credentials/${NUMBER}/ceu-completions`, {
        token: keys.service,
        body: { ...course, approved: true },
      });
      expect(reported.status).toBe(202);
    }
    const cpr = await call('POST', `/credentials/${NUMBER}/cpr-aed`, {
      token: keys.portal,
      body: {
        certificationId: 'RC-42',
        issuedOn: addDays(today, -100),
        expiresOn: addDays(today, 600),
        handsOn: true,
      },
    });
    expect(cpr.status).toBe(202);

    const ready = await eventually(async () => {
      const { body } = await call<CredentialRead>('GET', `/credentials/${NUMBER}`, { token: keys.portal });
      return body.state?.ceus.shortfall === '0.00' && body.state;
    });
    expect(ready.ceus).toMatchObject({ earned: '2.00', fromCourses: '1.90', fromCprAed: '0.10' });
    expect(ready.dates).toEqual(cycle1);

    const quote = await call<QuoteAnswer>('GET', `/credentials/${NUMBER}/fee-quote`, { token: keys.portal });
    expect(quote.body.quote).toMatchObject({ accepted: true, window: 'in_cycle', totalCents: 9900 });

    const applied = await call<ApplicationAccepted>('POST', `/credentials/${NUMBER}/applications`, {
      token: keys.portal,
      headers: { 'idempotency-key': 'story-application' },
      body: { paymentReference: 'pay-story-1', amountPaidCents: quote.body.quote.totalCents },
    });
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({
      applicationId: expect.any(String),
      receivedOn: today,
      fee: { totalCents: 9900 },
      auditSelected: expect.any(Boolean),
    });

    // The worker's audit draws are scripted to 0 here, so this application is always audited.
    expect(applied.body.auditSelected).toBe(true);
    {
      expect(applied.body.auditDocumentsDueOn).toBe(addDays(today, NASM_CPT.auditDocumentDays));
      const documents = await call<AuditView>('POST', `/credentials/${NUMBER}/audit/documents`, {
        token: keys.portal,
        body: {
          documents: [{ reference: 'vault://story/certificates.pdf', description: 'Course certificates' }],
        },
      });
      expect(documents.status).toBe(200);
      expect(documents.body.state).toBe('UnderReview');
      const decided = await call<AuditView>('POST', `/credentials/${NUMBER}/audit/decision`, {
        token: keys.ops,
        body: { outcome: 'passed', reason: 'Certificates match the reported completions.' },
      });
      expect(decided.status).toBe(200);
      expect(decided.body.state).toBe('Passed');
    }

    const renewed = await eventually(
      async () => {
        const { body } = await call<CredentialRead>('GET', `/credentials/${NUMBER}`, { token: keys.ops });
        return body.state?.cycle === 2 && body.records?.credential?.cycle === 2 && body;
      },
      30_000,
      'cycle 2',
    );
    expect(renewed.state.dates).toEqual(nextCycleDates(cycle1, NASM_CPT));
    // The spec's renewal: E+1 day to E+2 years.
    expect(renewed.state.dates.expiration).toBe(addYears(cycle1.expiration, 2));
    expect(renewed.state.dates.start).toBe(addDays(cycle1.expiration, 1));
    expect(renewed.state).toMatchObject({ phase: 'Active', certifiedOn });
    expect(renewed.holder).toEqual({ name: 'Story Holder', email: 'story.holder@example.com' });
    expect(renewed.records?.credential).toMatchObject({
      cycle: 2,
      expiresOn: renewed.state.dates.expiration,
    });

    const verify = await call('GET', `/verify/${NUMBER}`);
    expect(verify.body).toMatchObject({ status: 'active', expiresOn: renewed.state.dates.expiration });

    // Each fact exactly once in PostgreSQL.
    const where = { credentialNumber: NUMBER };
    expect(await stack.db.ceuRecord.count({ where })).toBe(2);
    expect(await stack.db.cprAedCertification.count({ where })).toBe(1);
    expect(await stack.db.application.count({ where })).toBe(1);
    expect(await stack.db.audit.count({ where })).toBe(1);
    expect(await stack.db.auditDocument.count()).toBeGreaterThanOrEqual(1);
    const ledger = await stack.db.feeLedgerEntry.findMany({ where });
    expect(ledger.map((e) => [e.code, e.amount])).toEqual([['renewal', 9900]]);
    expect(await stack.db.holder.count({ where })).toBe(1);
    const events = await stack.db.credentialEvent.findMany({ where });
    const keysSeen = events.map((e) => e.idempotencyKey);
    expect(new Set(keysSeen).size).toBe(keysSeen.length);
    expect(events.filter((e) => e.type === 'renewed')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'application_received')).toHaveLength(1);

    // Nothing was refused along the way.
    const history = await call<HistoryAnswer>('GET', `/credentials/${NUMBER}/history`, { token: keys.ops });
    expect(history.body.events.filter((e) => e.outcome === 'rejected')).toEqual([]);
  });
});
