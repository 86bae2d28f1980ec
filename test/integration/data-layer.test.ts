import { createActivities } from '../../activities';
import { createDb, type Db } from '../../db/client';
import { encodeCursor, InvalidCursorError } from '../../db/cursor';
import { hashToken } from '../../db/api-keys';
import { createRepository } from '../../db/repository';
import type { CredentialSummary, ListFilter, Repository } from '../../db/types';
import { instantAt } from '../../rules/calendar';
import { ceuBalance } from '../../rules/ceu-balance';
import { cycleDates, nextCycleDates } from '../../rules/cycle';
import { petitionFee, quoteFee } from '../../rules/fees';
import { getPolicy } from '../../rules/policies';
import { cycleReminders } from '../../rules/reminders';
import type { CalendarDate, CeuCompletion, CprAedCertification, FeeQuote } from '../../rules/types';
import type { Actor, Phase, PetitionState } from '../../workflows/contract';
import type { CredentialEvent } from '../../workflows/events';

// The data layer against the real PostgreSQL of global setup. Other suites share the database, so
// every credential here has its own number (DL-…), and list assertions look only at those.

const policy = getPolicy('nasm-cpt');
const SYSTEM: Actor = { kind: 'system', id: 'workflow' };
const OPS: Actor = { kind: 'ops', id: 'key-ops-1' };
const PORTAL: Actor = { kind: 'portal', id: 'key-portal-1' };

/** Noon on a calendar day in the policy's zone, so the event's day is unambiguous. */
const noon = (d: CalendarDate): number => instantAt(d, '12:00', policy.timeZone);

let db: Db;
let repository: Repository;

beforeAll(() => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
  db = createDb(url);
  repository = createRepository(db);
});
afterAll(async () => {
  await repository.close();
});

function envelope(credentialNumber: string, key: string, on: CalendarDate, cycle = 1, actor = SYSTEM) {
  return { key: `${credentialNumber}:c${cycle}:${key}`, credentialNumber, cycle, at: noon(on), actor };
}

function cycleStarted(credentialNumber: string, start: CalendarDate, phase: Phase = 'Active', cycle = 1) {
  const event: CredentialEvent = {
    ...envelope(credentialNumber, 'started', start, cycle),
    type: 'cycle_started',
    policyId: policy.id,
    workflowId: `credential-${credentialNumber}`,
    certifiedOn: start,
    dates: cycleDates(start, policy),
    phase,
  };
  return event;
}

const eventRows = (credentialNumber: string) =>
  db.credentialEvent.findMany({ where: { credentialNumber }, orderBy: { id: 'asc' } });

/** Records the same event twice, as a retried activity would. */
async function twice(event: CredentialEvent): Promise<void> {
  await repository.recordEvent(event);
  await repository.recordEvent(event);
}

describe('projection of each workflow event', () => {
  const number = 'DL-1';
  const start = '2025-06-30';
  const dates = cycleDates(start, policy);
  const course = (id: string, units: number, completedOn: CalendarDate, approved = true): CeuCompletion => ({
    provider: 'acme',
    completionId: id,
    course: `Course ${id}`,
    units,
    completedOn,
    approved,
  });
  const cpr: CprAedCertification = {
    certificationId: 'RC-1',
    issuedOn: '2026-01-10',
    expiresOn: '2028-01-10',
    handsOn: true,
  };
  const petition: PetitionState = {
    petitionId: 'P-1',
    course: 'Kettlebell workshop',
    provider: null,
    requestedUnits: 50,
    completedOn: '2026-02-01',
    fee: petitionFee(policy),
    paymentReference: 'pay-petition-1',
    filedOn: '2026-02-03',
    status: 'pending',
    grantedUnits: null,
    reason: null,
    decidedOn: null,
  };

  it('when a cycle starts, then the credential row holds the cycle, all its dates and an Active phase', async () => {
    await twice(cycleStarted(number, start));

    const row = await db.credential.findUniqueOrThrow({ where: { number } });
    expect(row).toMatchObject({
      policyId: 'nasm-cpt',
      workflowId: 'credential-DL-1',
      cycle: 1,
      phase: 'Active',
      auditState: 'None',
      ceusEarned: 0,
    });
    expect(await repository.findCredential(number)).toMatchObject({
      cycleStart: '2025-06-30',
      expiresOn: '2027-06-30',
      lateWindowEndsOn: dates.lateWindowEnd,
      lapsesOn: dates.lapseDate,
      workflowStatus: 'running',
    });
    // /verify falls back to this row for runs without a snapshot: it must carry an abnormal close.
    await repository.markWorkflowStatus(number, 'terminated');
    expect((await repository.findCredential(number))?.workflowStatus).toBe('terminated');
    await repository.markWorkflowStatus(number, 'running');
    expect(row.courseCutoff.toISOString().slice(0, 10)).toBe(dates.courseCutoff);
    expect(row.certifiedOn.toISOString().slice(0, 10)).toBe(start);
    const events = await eventRows(number);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      idempotencyKey: 'DL-1:c1:started',
      type: 'cycle_started',
      actorKind: 'system',
      actorId: 'workflow',
      outcome: 'accepted',
      cycle: 1,
    });
  });

  it('when CEU completions are reported (twice each), then one record each and only approved units count', async () => {
    const approved: CredentialEvent = {
      ...envelope(number, 'ceu:acme:A1', '2026-01-05'),
      type: 'ceu_completion_reported',
      completion: course('A1', 100, '2026-01-04'),
    };
    const unapproved: CredentialEvent = {
      ...envelope(number, 'ceu:acme:U1', '2026-01-06'),
      type: 'ceu_completion_reported',
      completion: course('U1', 40, '2026-01-05', false),
    };
    await twice(approved);
    await twice(unapproved);

    const records = await db.ceuRecord.findMany({ where: { credentialNumber: number } });
    expect(records).toHaveLength(2);
    expect((await repository.findCredential(number))?.ceusEarned).toBe(100);
    expect((await eventRows(number)).filter((e) => e.type === 'ceu_completion_reported')).toHaveLength(2);
  });

  it('when a CPR/AED certification is reported, then it is stored once and its 0.10 CEU counts', async () => {
    await twice({
      ...envelope(number, 'cpr:RC-1', '2026-01-11'),
      type: 'cpr_aed_reported',
      certification: cpr,
    });
    await twice({
      ...envelope(number, 'cpr:RC-1:again', '2026-01-12'),
      type: 'cpr_aed_reported',
      certification: cpr,
    });

    expect(await db.cprAedCertification.count({ where: { credentialNumber: number } })).toBe(1);
    expect((await repository.findCredential(number))?.ceusEarned).toBe(110);
  });

  it('when a petition is filed, then the petition is pending and its fee is in the ledger once', async () => {
    await twice({
      ...envelope(number, 'petition:P-1:filed', '2026-02-03', 1, PORTAL),
      type: 'petition_filed',
      petition,
      amountPaid: 2500,
    });

    const records = await repository.findRecords(number);
    expect(records?.petitions).toEqual([
      {
        petitionId: 'P-1',
        course: 'Kettlebell workshop',
        status: 'pending',
        requestedUnits: 50,
        grantedUnits: null,
      },
    ]);
    expect(records?.ledger).toEqual([
      {
        code: 'petition',
        amount: 2500,
        reference: 'petition:P-1',
        on: '2026-02-03',
        label: expect.any(String) as string,
        paymentReference: 'pay-petition-1',
      },
    ]);
  });

  it('when the petition is approved, then its granted units count towards the CEUs earned', async () => {
    await twice({
      ...envelope(number, 'petition:P-1:decided', '2026-02-10', 1, OPS),
      type: 'petition_decided',
      petition: { ...petition, status: 'approved', grantedUnits: 40, decidedOn: '2026-02-10' },
      reason: 'Relevant content',
    });

    const row = await db.petition.findFirstOrThrow({
      where: { credentialNumber: number, petitionId: 'P-1' },
    });
    expect(row).toMatchObject({ status: 'approved', grantedUnits: 40 });
    expect(row.decidedOn?.toISOString().slice(0, 10)).toBe('2026-02-10');
    expect((await repository.findCredential(number))?.ceusEarned).toBe(150);
  });

  const fee = quoteFee(dates, policy, '2026-03-01') as Extract<FeeQuote, { accepted: true }>;

  it('when an application is received, then it is pending with its fee lines and the workflow balance', async () => {
    await twice({
      ...envelope(number, 'course:A2', '2026-02-20'),
      type: 'ceu_completion_reported',
      completion: course('A2', 50, '2026-02-19'),
    });
    const balance = ceuBalance({
      dates,
      policy,
      asOf: '2026-03-01',
      completions: [course('A1', 100, '2026-01-04'), course('A2', 50, '2026-02-19')],
      grants: [{ petitionId: 'P-1', course: petition.course, units: 40, completedOn: petition.completedOn }],
      cprAed: [cpr],
      consumed: [],
    });
    expect(balance.earned).toBe(200);
    await twice({
      ...envelope(number, 'application:A-1:received', '2026-03-01', 1, PORTAL),
      type: 'application_received',
      applicationId: 'A-1',
      receivedOn: '2026-03-01',
      paymentReference: 'pay-app-1',
      amountPaid: 9900,
      fee,
      balance,
    });

    const records = await repository.findRecords(number);
    expect(records?.applications).toEqual([
      {
        applicationId: 'A-1',
        receivedOn: '2026-03-01',
        status: 'pending',
        amountPaid: 9900,
        feeTotal: 9900,
        paymentReference: 'pay-app-1',
        feeLines: fee.lines,
      },
    ]);
    expect(records?.credential.ceusEarned).toBe(200);
  });

  it('when the application is selected for audit, then the audit awaits documents and the draw is recorded', async () => {
    await twice({
      ...envelope(number, 'audit:AU-1:selected', '2026-03-01'),
      type: 'audit_selected',
      auditId: 'AU-1',
      applicationId: 'A-1',
      selectedOn: '2026-03-01',
      documentsDueOn: '2026-03-31',
      draw: 42,
      forced: false,
    });

    const records = await repository.findRecords(number);
    expect(records?.credential.auditState).toBe('AwaitingDocuments');
    expect(records?.audits).toEqual([
      {
        auditId: 'AU-1',
        applicationId: 'A-1',
        state: 'AwaitingDocuments',
        documentsDueOn: '2026-03-31',
        documents: [],
      },
    ]);
    expect(
      await db.application.findFirstOrThrow({ where: { credentialNumber: number, applicationId: 'A-1' } }),
    ).toMatchObject({ auditSelected: true, auditDraw: 42 });
  });

  it('when documents are submitted, then their references are stored once and the audit is under review', async () => {
    await twice({
      ...envelope(number, 'audit:AU-1:documents', '2026-03-05', 1, PORTAL),
      type: 'audit_documents_submitted',
      auditId: 'AU-1',
      documents: [
        { reference: 's3://docs/DL-1/a1.pdf', description: 'Certificate A1' },
        { reference: 's3://docs/DL-1/cpr.pdf', description: 'CPR card' },
      ],
    });

    const records = await repository.findRecords(number);
    expect(records?.credential.auditState).toBe('UnderReview');
    expect(records?.audits[0]?.state).toBe('UnderReview');
    expect(records?.audits[0]?.documents.map((d) => d.reference)).toEqual([
      's3://docs/DL-1/a1.pdf',
      's3://docs/DL-1/cpr.pdf',
    ]);
  });

  it('when the audit passes and the application is approved, then the renewal fee lines enter the ledger once', async () => {
    await twice({
      ...envelope(number, 'audit:AU-1:decided', '2026-03-08', 1, OPS),
      type: 'audit_decided',
      auditId: 'AU-1',
      outcome: 'passed',
      reason: 'Documents match',
    });
    await twice({
      ...envelope(number, 'application:A-1:decided', '2026-03-08'),
      type: 'application_decided',
      applicationId: 'A-1',
      outcome: 'approved',
      charged: fee.lines,
      consumes: ['acme:post-e-1'],
    });

    const records = await repository.findRecords(number);
    const decided = await db.application.findFirst({
      where: { credentialNumber: number, applicationId: 'A-1' },
    });
    // The workflow's word on which post-E courses the renewal used is what the next cycle excludes.
    expect(decided?.consumedKeys).toEqual(['acme:post-e-1']);
    expect(records?.credential.auditState).toBe('Passed');
    expect(records?.audits[0]?.state).toBe('Passed');
    expect(records?.applications[0]?.status).toBe('approved');
    expect(records?.ledger.map((l) => [l.code, l.amount, l.reference, l.on])).toEqual([
      ['petition', 2500, 'petition:P-1', '2026-02-03'],
      ['renewal', 9900, 'application:A-1', '2026-03-08'],
    ]);
  });

  it('when the credential is renewed, then it moves to the next cycle, active and unaudited', async () => {
    const nextDates = nextCycleDates(dates, policy);
    await twice({
      ...envelope(number, 'renewed', '2026-03-08'),
      type: 'renewed',
      nextCycle: 2,
      nextDates,
    });

    expect(nextDates).toMatchObject({ start: '2027-07-01', expiration: '2029-06-30' });
    expect(await repository.findCredential(number)).toMatchObject({
      cycle: 2,
      cycleStart: '2027-07-01',
      expiresOn: nextDates.expiration,
      phase: 'Active',
      auditState: 'None',
      // Cycle 1's courses do not count in cycle 2; the CPR/AED card, still valid, does.
      ceusEarned: 10,
    });

    // The next run's first event confirms the same values; a late event of cycle 1 moves nothing back.
    await twice(cycleStarted(number, nextDates.start, 'Active', 2));
    await twice({
      ...envelope(number, 'phase:stale', '2026-03-09'),
      type: 'phase_changed',
      from: 'Active',
      to: 'ExpiredLate',
    });
    expect(await repository.findCredential(number)).toMatchObject({ cycle: 2, phase: 'Active' });
  });

  it('when the phase changes, the credential lapses or is revoked, then its phase follows', async () => {
    const other = 'DL-2';
    await repository.recordEvent(cycleStarted(other, '2023-01-15'));
    await twice({
      ...envelope(other, 'phase:late', '2025-01-16'),
      type: 'phase_changed',
      from: 'Active',
      to: 'ExpiredLate',
    });
    expect((await repository.findCredential(other))?.phase).toBe('ExpiredLate');
    await twice({ ...envelope(other, 'lapsed', '2026-01-15'), type: 'lapsed' });
    expect((await repository.findCredential(other))?.phase).toBe('Lapsed');

    const third = 'DL-3';
    await repository.recordEvent(cycleStarted(third, '2025-01-15'));
    await twice({
      ...envelope(third, 'revoked', '2025-05-01', 1, OPS),
      type: 'revoked',
      reason: 'Misconduct',
    });
    expect((await repository.findCredential(third))?.phase).toBe('Revoked');
    expect((await repository.history(third)).map((h) => [h.type, h.reason])).toEqual([
      ['cycle_started', null],
      ['revoked', 'Misconduct'],
    ]);
  });

  it('when an application is not selected for audit, then its draw is recorded and no audit exists', async () => {
    const n = 'DL-4';
    const d = cycleDates('2025-02-01', policy);
    await repository.recordEvent(cycleStarted(n, '2025-02-01'));
    const quote = quoteFee(d, policy, '2026-06-01') as Extract<FeeQuote, { accepted: true }>;
    const balance = ceuBalance({
      dates: d,
      policy,
      asOf: '2026-06-01',
      completions: [],
      grants: [],
      cprAed: [],
      consumed: [],
    });
    await repository.recordEvent({
      ...envelope(n, 'application:A-9:received', '2026-06-01', 1, PORTAL),
      type: 'application_received',
      applicationId: 'A-9',
      receivedOn: '2026-06-01',
      paymentReference: 'pay-9',
      amountPaid: 9900,
      fee: quote,
      balance,
    });
    await twice({
      ...envelope(n, 'application:A-9:draw', '2026-06-01'),
      type: 'audit_not_selected',
      applicationId: 'A-9',
      draw: 5000,
    });

    expect(
      await db.application.findFirstOrThrow({ where: { credentialNumber: n, applicationId: 'A-9' } }),
    ).toMatchObject({ auditSelected: false, auditDraw: 5000, status: 'pending' });
    expect(await db.audit.count({ where: { credentialNumber: n } })).toBe(0);
  });

  it('when an event arrives before its credential exists, then it is parked and leaves no other trace', async () => {
    // Events of a credential arrive in order, so a missing credential means its cycle_started was
    // parked: this event can never be written either until ops replay both (npm run dead-letters).
    const early: CredentialEvent = {
      ...envelope('DL-404', 'phase', '2026-01-01'),
      type: 'phase_changed',
      from: 'Active',
      to: 'ExpiredLate',
    };
    const report = await repository.recordEvent(early);
    expect(report.parked.map((p) => [p.key, p.code])).toEqual([[early.key, '23503']]);
    expect(await eventRows('DL-404')).toHaveLength(0);
    expect(await db.credential.count({ where: { number: 'DL-404' } })).toBe(0);
    expect(await db.deadLetterEvent.findUnique({ where: { eventKey: early.key } })).toMatchObject({
      credentialNumber: 'DL-404',
      eventType: 'phase_changed',
      errorCode: '23503',
      resolvedAt: null,
    });
  });

  it('when the same event is recorded concurrently, then exactly one event row and one projection row exist', async () => {
    const n = 'DL-5';
    await Promise.all([1, 2, 3, 4].map(() => repository.recordEvent(cycleStarted(n, '2025-03-03'))));
    const report: CredentialEvent = {
      ...envelope(n, 'ceu:acme:C5', '2025-04-01'),
      type: 'ceu_completion_reported',
      completion: { ...course('C5', 75, '2025-03-30'), provider: 'acme-dl5' },
    };
    await Promise.all([1, 2, 3, 4].map(() => repository.recordEvent(report)));

    expect(await db.credential.count({ where: { number: n } })).toBe(1);
    expect(await eventRows(n)).toHaveLength(2);
    expect(await db.ceuRecord.count({ where: { credentialNumber: n } })).toBe(1);
    expect((await repository.findCredential(n))?.ceusEarned).toBe(75);
  });
});

describe('reminders and the audit draw (activities)', () => {
  it('when a reminder is sent twice, then it is recorded once', async () => {
    const n = 'DL-R1';
    const start = '2025-04-01';
    await repository.recordEvent(cycleStarted(n, start));
    const reminder = cycleReminders(cycleDates(start, policy), policy)[0];
    if (!reminder) throw new Error('the policy has reminders');
    const request = { credentialNumber: n, cycle: 1, reminder, facts: { ceusMissing: 190 } };

    expect(await repository.recordReminder(request, Date.now())).toBe(true);
    expect(await repository.recordReminder(request, Date.now())).toBe(false);
    const activities = createActivities({ repository });
    await activities.sendReminder(request);

    const records = await repository.findRecords(n);
    expect(records?.remindersSent).toEqual([{ key: reminder.key, kind: reminder.kind, on: reminder.on }]);
  });

  it('when the audit number is drawn, then it is an integer from 0 to 9999', async () => {
    const { drawAuditNumber } = createActivities({ repository });
    const draws = await Promise.all(Array.from({ length: 200 }, () => drawAuditNumber()));
    for (const draw of draws) {
      expect(Number.isInteger(draw)).toBe(true);
      expect(draw).toBeGreaterThanOrEqual(0);
      expect(draw).toBeLessThanOrEqual(9999);
    }
    expect(new Set(draws).size).toBeGreaterThan(150);
  });

  it('when the recordEvent activity is retried, then the event is projected once', async () => {
    const { recordEvent } = createActivities({ repository });
    const event = cycleStarted('DL-A1', '2025-05-05');
    await recordEvent(event);
    await recordEvent(event);
    expect(await eventRows('DL-A1')).toHaveLength(1);
  });
});

describe('history', () => {
  it('when commands are rejected, then the history shows accepted events and rejections oldest first', async () => {
    const n = 'DL-H1';
    await repository.recordEvent(cycleStarted(n, '2025-01-01'));
    await repository.recordRejectedCommand({
      credentialNumber: n,
      type: 'submitApplication',
      actor: PORTAL,
      reasons: [{ code: 'insufficient_ceus', message: 'You need 1.90 more CEUs.' }],
      data: { paymentReference: 'pay-x', amountPaid: 9900 },
      at: noon('2025-02-01'),
    });
    await repository.recordEvent({
      ...envelope(n, 'phase', '2025-01-20'),
      type: 'phase_changed',
      from: 'Active',
      to: 'Active',
    });

    const entries = await repository.history(n);
    expect(entries.map((e) => [e.type, e.outcome])).toEqual([
      ['cycle_started', 'accepted'],
      ['phase_changed', 'accepted'],
      ['submitApplication', 'rejected'],
    ]);
    expect(entries[2]).toMatchObject({
      actor: PORTAL,
      reason: 'You need 1.90 more CEUs.',
      data: {
        reasons: [{ code: 'insufficient_ceus', message: 'You need 1.90 more CEUs.' }],
        command: { paymentReference: 'pay-x', amountPaid: 9900 },
      },
      occurredAt: new Date(noon('2025-02-01')).toISOString(),
    });
    expect(entries[0]?.data).toMatchObject({ policyId: 'nasm-cpt', dates: { start: '2025-01-01' } });
  });
});

describe('holders: the only place for personal data', () => {
  const holder = { name: 'Dana Quill-Zephyr', email: 'dana.qz@example.test' };

  it("when a holder is saved twice, then one row keeps the first enrolment's data", async () => {
    await repository.saveHolder('DL-P1', holder);
    await repository.saveHolder('DL-P1', { name: 'Someone Else', email: 'else@example.test' });
    const rows = await db.holder.findMany({ where: { credentialNumber: 'DL-P1' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject(holder);
  });

  it('when a credential lives its life, then its holder name and e-mail appear in no other table', async () => {
    const n = 'DL-P1';
    await repository.recordEvent(cycleStarted(n, '2025-01-01'));
    await repository.recordRejectedCommand({
      credentialNumber: n,
      type: 'enrol',
      actor: { kind: 'service', id: 'key-svc' },
      reasons: [{ code: 'invalid_request', message: 'Already enrolled.' }],
      data: { credentialNumber: n, holder, note: { email: holder.email } },
      at: Date.now(),
    });

    const tables = await db.$queryRaw<{ table_name: string }[]>`
      SELECT table_name::text AS table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    const found: string[] = [];
    for (const { table_name: table } of tables) {
      const rows = await db.$queryRawUnsafe<{ row: string }[]>(
        `SELECT row_to_json(t)::text AS row FROM "${table}" t`,
      );
      if (rows.some((r) => r.row.includes(holder.email) || r.row.includes(holder.name))) found.push(table);
    }
    expect(found).toEqual(['holders']);
  });
});

describe('listing credentials for ops', () => {
  // Far-future cycles keep these rows apart from other suites' credentials.
  const seeds: {
    number: string;
    start: CalendarDate;
    phase: Phase;
    audit?: 'AwaitingDocuments' | 'Failed';
  }[] = [
    { number: 'DL-L1', start: '2080-01-10', phase: 'Active' },
    { number: 'DL-L2', start: '2080-01-10', phase: 'Active', audit: 'AwaitingDocuments' },
    { number: 'DL-L3', start: '2080-01-10', phase: 'ExpiredLate' },
    { number: 'DL-L4', start: '2080-02-20', phase: 'Active' },
    { number: 'DL-L5', start: '2080-03-01', phase: 'ExpiredReinstatement', audit: 'Failed' },
    { number: 'DL-L6', start: '2080-03-01', phase: 'Active', audit: 'AwaitingDocuments' },
    { number: 'DL-L7', start: '2080-04-15', phase: 'Active' },
  ];
  const ours = (items: readonly CredentialSummary[]) =>
    items.filter((c) => c.number.startsWith('DL-L')).map((c) => c.number);

  async function allPages(filter: Omit<ListFilter, 'cursor'>) {
    const pages: (readonly CredentialSummary[])[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await repository.listCredentials({ ...filter, ...(cursor ? { cursor } : {}) });
      pages.push(page.items);
      if (!page.nextCursor) return pages;
      cursor = page.nextCursor;
    }
  }

  beforeAll(async () => {
    for (const seed of seeds) {
      await repository.recordEvent(cycleStarted(seed.number, seed.start, seed.phase));
      if (seed.audit)
        await db.credential.update({ where: { number: seed.number }, data: { auditState: seed.audit } });
    }
  });

  it('when paging with a small limit, then every credential appears once, ordered by expiry then number', async () => {
    const pages = await allPages({ limit: 2 });
    expect(pages.every((p) => p.length <= 2)).toBe(true);
    const all = pages.flat();
    expect(new Set(all.map((c) => c.number)).size).toBe(all.length);
    const keys = all.map((c) => `${c.expiresOn}|${c.number}`);
    expect(keys).toEqual([...keys].sort());
    expect(ours(all)).toEqual(['DL-L1', 'DL-L2', 'DL-L3', 'DL-L4', 'DL-L5', 'DL-L6', 'DL-L7']);
  });

  it('when filtered by phase, then only that phase is listed, across pages', async () => {
    const all = (await allPages({ phase: 'Active', limit: 1 })).flat();
    expect(all.every((c) => c.phase === 'Active')).toBe(true);
    expect(ours(all)).toEqual(['DL-L1', 'DL-L2', 'DL-L4', 'DL-L6', 'DL-L7']);
  });

  it('when filtered by expiry, then only credentials expiring strictly before the date are listed', async () => {
    const all = (await allPages({ expiringBefore: '2082-03-01', limit: 3 })).flat();
    expect(all.every((c) => c.expiresOn < '2082-03-01')).toBe(true);
    expect(ours(all)).toEqual(['DL-L1', 'DL-L2', 'DL-L3', 'DL-L4']);
  });

  it('when filtered by audit state and phase together, then both apply', async () => {
    const awaiting = (await allPages({ auditState: 'AwaitingDocuments', limit: 10 })).flat();
    expect(ours(awaiting)).toEqual(['DL-L2', 'DL-L6']);
    const failedReinstatement = (
      await allPages({ auditState: 'Failed', phase: 'ExpiredReinstatement', limit: 10 })
    ).flat();
    expect(ours(failedReinstatement)).toEqual(['DL-L5']);
  });

  it('when a cursor is given, then the page starts right after its (expiry, number) key', async () => {
    const page = await repository.listCredentials({
      limit: 2,
      cursor: encodeCursor({ expiresOn: '2082-01-10', number: 'DL-L1' }),
    });
    expect(page.items.map((c) => c.number)).toEqual(['DL-L2', 'DL-L3']);
    expect(page.nextCursor).not.toBeNull();
  });

  it('when the cursor is not one of ours, then the listing refuses it', async () => {
    await expect(repository.listCredentials({ limit: 5, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    const wrongShape = Buffer.from(JSON.stringify({ e: 'soon', n: 1 })).toString('base64url');
    await expect(repository.listCredentials({ limit: 5, cursor: wrongShape })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});

describe('API keys', () => {
  it('when a key is created, then the token is returned once, prefixed rk_, and only its sha256 is stored', async () => {
    const { id, token } = await repository.createApiKey('ops', 'Ops desk');
    expect(token).toMatch(/^rk_[A-Za-z0-9_-]{43}$/);

    const row = await db.apiKey.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(row.tokenHash).not.toContain(token.slice(3));
    const dump = await db.$queryRaw<{ row: string }[]>`SELECT row_to_json(k)::text AS row FROM api_keys k`;
    expect(dump.some((r) => r.row.includes(token.slice(3)))).toBe(false);
  });

  it('when a token is presented, then its key is found by hash, and a wrong or revoked token finds nothing', async () => {
    const { id, token } = await repository.createApiKey('portal', 'Portal backend');
    expect(await repository.findApiKey(token)).toEqual({ id, role: 'portal', label: 'Portal backend' });
    expect(await repository.findApiKey(`${token}x`)).toBeNull();
    expect(await repository.findApiKey('rk_wrong')).toBeNull();
    expect(await repository.findApiKey('')).toBeNull();

    await db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    expect(await repository.findApiKey(token)).toBeNull();
  });
});
