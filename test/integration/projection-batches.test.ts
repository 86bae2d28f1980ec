import { createDb, type Db } from '../../db/client';
import { createRepository } from '../../db/repository';
import { createSqlPool } from '../../db/sql-pool';
import type { Repository } from '../../db/types';
import { ceuBalance } from '../../rules/ceu-balance';
import { cycleDates, nextCycleDates } from '../../rules/cycle';
import { petitionFee, quoteFee } from '../../rules/fees';
import { cycleReminders } from '../../rules/reminders';
import type { FeeQuote } from '../../rules/types';
import type { Actor, PetitionState } from '../../workflows/contract';
import type { CredentialEvent, EventBatch } from '../../workflows/events';
import {
  batch,
  ceuReported,
  course,
  cycleStarted,
  envelope,
  NASM,
  PROVIDER,
  snapshot,
} from '../support/projection-events';

// recordEvents against the real PostgreSQL: every event type, batches as the versioned engine sends
// them, the statements each costs, and what a replayed batch changes (nothing).

const OPS: Actor = { kind: 'ops', id: 'key-ops-1' };
const PORTAL: Actor = { kind: 'portal', id: 'key-portal-1' };

let db: Db;
let repository: Repository;
let statements = 0;

beforeAll(() => {
  const url = process.env.DATABASE_URL as string;
  db = createDb(url);
  repository = createRepository(db, { pool: createSqlPool(url, { onStatement: () => (statements += 1) }) });
});
afterAll(async () => {
  await repository.close();
});

/** Records a batch and counts the statements it took. */
async function record(b: EventBatch) {
  const before = statements;
  const result = await repository.recordEvents(b);
  return { ...result, statements: statements - before };
}

const TABLES = [
  'credentials',
  'credential_events',
  'ceu_records',
  'cpr_aed_certifications',
  'petitions',
  'applications',
  'audits',
  'audit_documents',
  'fee_ledger',
  'reminders_sent',
  'reminder_outbox',
  'report_outcomes',
  'dead_letter_events',
];

/** Every row with its xmin: any write, even of the same values, changes it. */
async function dump(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await db.$queryRawUnsafe<{ row: string }[]>(
      `SELECT xmin::text || ' ' || row_to_json(t)::text AS row FROM "${table}" t ORDER BY 1`,
    );
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

const events = (number: string) =>
  db.credentialEvent.findMany({ where: { credentialNumber: number }, orderBy: { id: 'asc' } });

describe('a credential through recordEvents, one batch per workflow task', () => {
  const n = 'PB-1';
  const start = '2025-06-30';
  const dates = cycleDates(start, NASM);
  const reminder = cycleReminders(dates, NASM)[0];
  if (!reminder) throw new Error('NASM has reminders');
  const petition: PetitionState = {
    petitionId: 'P-1',
    course: 'Kettlebell workshop',
    provider: null,
    requestedUnits: 50,
    completedOn: '2026-02-01',
    fee: petitionFee(NASM),
    paymentReference: 'pay-petition-1',
    filedOn: '2026-02-03',
    status: 'pending',
    grantedUnits: null,
    reason: null,
    decidedOn: null,
  };
  const fee = quoteFee(dates, NASM, '2026-03-01') as Extract<FeeQuote, { accepted: true }>;
  const balance = ceuBalance({
    dates,
    policy: NASM,
    asOf: '2026-03-01',
    completions: [course('A1', 100, '2026-01-04'), course('A2', 50, '2026-02-19')],
    grants: [{ petitionId: 'P-1', course: petition.course, units: 40, completedOn: petition.completedOn }],
    cprAed: [{ certificationId: 'RC-1', issuedOn: '2026-01-10', expiresOn: '2028-01-10', handsOn: true }],
    consumed: [],
  });
  const nextDates = nextCycleDates(dates, NASM);

  const batches: EventBatch[] = [
    batch([cycleStarted(n, start, { policyVersion: 1, ceusEarned: 0 })], {
      snapshot: snapshot({ runStartedAt: 1 }),
      phase: 'Active',
    }),
    batch(
      [
        ceuReported(n, course('A1', 100, '2026-01-04'), '2026-01-05', 100),
        ceuReported(n, course('OLD', 30, '2025-01-04'), '2026-01-05', 100, false),
        {
          ...envelope(n, 'cpr:RC-1', '2026-01-11', 1, PORTAL),
          type: 'cpr_aed_reported',
          certification: {
            certificationId: 'RC-1',
            issuedOn: '2026-01-10',
            expiresOn: '2028-01-10',
            handsOn: true,
          },
          ceusEarned: 110,
        },
        {
          ...envelope(n, 'refused:F-1', '2026-01-12', 1, PROVIDER),
          type: 'command_refused',
          command: 'reportCeuCompletion',
          reasons: [
            {
              code: 'dated_in_future',
              message: 'The course is dated 2026-02-01, after the day it was reported.',
            },
            { code: 'invalid_message', message: 'Units must be positive.' },
          ],
          received: '{"completionId":"F-1"}',
          report: { kind: 'ceu', source: 'acme', id: 'F-1' },
        },
        {
          ...envelope(n, `reminder:${reminder.key}`, reminder.on),
          type: 'reminder_due',
          reminder,
          channels: ['email', 'webhook'],
          facts: { expiration: dates.expiration, ceusMissingHundredths: 90 },
        },
      ],
      { snapshot: snapshot({ runStartedAt: 2, completions: [course('A1', 100, '2026-01-04')] }) },
    ),
    batch([
      {
        ...envelope(n, 'petition:P-1:filed', '2026-02-03', 1, PORTAL),
        type: 'petition_filed',
        petition,
        amountPaid: 2500,
      },
      {
        ...envelope(n, 'petition:P-1:decided', '2026-02-10', 1, OPS),
        type: 'petition_decided',
        petition: { ...petition, status: 'approved', grantedUnits: 40, decidedOn: '2026-02-10' },
        reason: 'Relevant content',
        ceusEarned: 150,
      },
      ceuReported(n, course('A2', 50, '2026-02-19'), '2026-02-20', 200),
    ]),
    batch([
      {
        ...envelope(n, 'application:A-1:received', '2026-03-01', 1, PORTAL),
        type: 'application_received',
        applicationId: 'A-1',
        receivedOn: '2026-03-01',
        paymentReference: 'pay-app-1',
        amountPaid: 9900,
        fee,
        balance,
      },
      {
        ...envelope(n, 'audit:AU-1:selected', '2026-03-01'),
        type: 'audit_selected',
        auditId: 'AU-1',
        applicationId: 'A-1',
        selectedOn: '2026-03-01',
        documentsDueOn: '2026-03-31',
        draw: 42,
        forced: false,
      },
    ]),
    batch([
      {
        ...envelope(n, 'audit:AU-1:documents', '2026-03-05', 1, PORTAL),
        type: 'audit_documents_submitted',
        auditId: 'AU-1',
        documents: [
          { reference: 'vault://PB-1/a1.pdf', description: 'Certificate A1' },
          { reference: 'vault://PB-1/cpr.pdf', description: 'CPR card' },
        ],
      },
      {
        ...envelope(n, 'audit:AU-1:decided', '2026-03-08', 1, OPS),
        type: 'audit_decided',
        auditId: 'AU-1',
        outcome: 'passed',
        reason: 'Documents match',
      },
      {
        ...envelope(n, 'application:A-1:decided', '2026-03-08'),
        type: 'application_decided',
        applicationId: 'A-1',
        outcome: 'approved',
        charged: fee.lines,
        consumes: ['acme:post-e-1'],
      },
      {
        ...envelope(n, 'renewed', '2026-03-08'),
        type: 'renewed',
        nextCycle: 2,
        nextDates,
        ceusEarned: 10,
      },
    ]),
    batch(
      [
        // A renewed cycle ends E+2 years: the run's cycle_started carries the dates the renewal computed.
        cycleStarted(n, nextDates.start, { cycle: 2, policyVersion: 2, ceusEarned: 10, dates: nextDates }),
        {
          ...envelope(n, 'policy:nasm-cpt:2', '2026-03-09', 2),
          type: 'policy_version_received',
          policyId: 'nasm-cpt',
          version: 2,
          effectiveFrom: '2026-04-01',
        },
        {
          ...envelope(n, 'can:1', '2026-03-09', 2),
          type: 'continued_as_new',
          why: 'history_size',
          historyLength: 10_400,
        },
        {
          ...envelope(n, 'cancel:1', '2026-03-09', 2, OPS),
          type: 'cancel_refused',
          reason: 'Credential workflows are revoked, not cancelled.',
        },
        // A late event of cycle 1 moves nothing back.
        {
          ...envelope(n, 'phase:stale', '2026-03-09'),
          type: 'phase_changed',
          from: 'Active',
          to: 'ExpiredLate',
        },
      ],
      { cycle: 2, snapshot: snapshot({ runStartedAt: 6 }), phase: 'Active' },
    ),
  ];
  const results: Awaited<ReturnType<typeof record>>[] = [];

  beforeAll(async () => {
    for (const b of batches) results.push(await record(b));
  });

  it('when a batch of one event is recorded, then it is one statement; a batch of N is N + 2 (BEGIN, COMMIT)', () => {
    expect(results.map((r) => r.statements)).toEqual(
      batches.map((b) => (b.events.length === 1 ? 1 : b.events.length + 2)),
    );
    expect(results.map((r) => [r.recorded, r.parked])).toEqual(batches.map((b) => [b.events.length, []]));
  });

  it('when a cycle starts, then the credential row holds its dates, policy version, snapshot and a running workflow', async () => {
    // Cycle 2's start, which followed, is checked below; cycle 1's is in its event row.
    const first = (await events(n))[0];
    expect(first).toMatchObject({
      type: 'cycle_started',
      outcome: 'accepted',
      cycle: 1,
      actorKind: 'system',
    });
    expect(first?.data).toMatchObject({ policyId: 'nasm-cpt', policyVersion: 1, dates: { start } });
  });

  it('when CEUs and a CPR/AED card are reported, then each is stored once and the workflow balance is the ceus_earned', async () => {
    const records = await repository.findRecords(n);
    expect(records?.ceuRecords.map((r) => r.completionId).sort()).toEqual(['A1', 'A2', 'OLD']);
    expect(records?.cprAed.map((c) => c.certificationId)).toEqual(['RC-1']);
  });

  it('when reports are recorded, then the provider reads counted, not counted and refused outcomes with reasons', async () => {
    expect(await repository.reportOutcome(n, 'ceu', 'acme', 'A1')).toMatchObject({
      outcome: 'counted',
      reasonCode: null,
      reportedBy: PROVIDER,
      eventKey: `${n}:c1:ceu:acme:A1`,
    });
    expect(await repository.reportOutcome(n, 'ceu', 'acme', 'OLD')).toMatchObject({
      outcome: 'not_counted',
      reasonCode: 'before_cycle',
      message: 'The course was completed before the cycle began.',
    });
    expect(await repository.reportOutcome(n, 'ceu', 'acme', 'F-1')).toMatchObject({
      outcome: 'refused',
      reasonCode: 'dated_in_future',
      message: 'The course is dated 2026-02-01, after the day it was reported. Units must be positive.',
    });
    expect(await repository.reportOutcome(n, 'ceu', 'acme', 'nope')).toBeNull();
    const page = await repository.reportOutcomesFor(PROVIDER.id, '0', 10);
    expect(page.items.map((o) => o.externalId)).toEqual(['A1', 'OLD', 'F-1', 'A2']);
    expect(page.nextCursor).toBeNull();
  });

  it('when a command is refused, then the history shows it as rejected with every reason', async () => {
    const history = await repository.history(n);
    expect(history.filter((h) => h.outcome === 'rejected').map((h) => [h.type, h.reason])).toEqual([
      [
        'reportCeuCompletion',
        'The course is dated 2026-02-01, after the day it was reported. Units must be positive.',
      ],
      ['cancel', 'Credential workflows are revoked, not cancelled.'],
    ]);
  });

  it('when a reminder is due, then it is recorded once and queued on each channel', async () => {
    expect((await repository.findRecords(n))?.remindersSent).toEqual([
      { key: reminder.key, kind: reminder.kind, on: reminder.on },
    ]);
    const outbox = await db.reminderOutbox.findMany({
      where: { credentialNumber: n },
      orderBy: { channel: 'asc' },
    });
    expect(outbox.map((o) => [o.reminderKey, o.channel, o.status])).toEqual([
      [reminder.key, 'email', 'pending'],
      [reminder.key, 'webhook', 'pending'],
    ]);
  });

  it('when a petition is filed and decided, an application received, audited and approved, then every row follows', async () => {
    const records = await repository.findRecords(n);
    expect(records?.petitions).toEqual([
      {
        petitionId: 'P-1',
        course: 'Kettlebell workshop',
        status: 'approved',
        requestedUnits: 50,
        grantedUnits: 40,
      },
    ]);
    expect(records?.applications).toEqual([
      {
        applicationId: 'A-1',
        receivedOn: '2026-03-01',
        status: 'approved',
        amountPaid: 9900,
        feeTotal: 9900,
        paymentReference: 'pay-app-1',
        feeLines: fee.lines,
      },
    ]);
    expect(records?.audits).toEqual([
      {
        auditId: 'AU-1',
        applicationId: 'A-1',
        state: 'Passed',
        documentsDueOn: '2026-03-31',
        documents: [
          { reference: 'vault://PB-1/a1.pdf', description: 'Certificate A1' },
          { reference: 'vault://PB-1/cpr.pdf', description: 'CPR card' },
        ],
      },
    ]);
    expect(records?.ledger.map((l) => [l.code, l.amount, l.reference, l.on, l.paymentReference])).toEqual([
      ['petition', 2500, 'petition:P-1', '2026-02-03', 'pay-petition-1'],
      ['renewal', 9900, 'application:A-1', '2026-03-08', 'pay-app-1'],
    ]);
    const application = await db.application.findFirstOrThrow({ where: { credentialNumber: n } });
    expect(application).toMatchObject({
      auditSelected: true,
      auditDraw: 42,
      consumedKeys: ['acme:post-e-1'],
    });
    // Decided on the event's day in the policy's zone (from the policy_versions table).
    expect(application.decidedOn?.toISOString().slice(0, 10)).toBe('2026-03-08');
    const audit = await db.audit.findFirstOrThrow({ where: { credentialNumber: n } });
    expect(audit.decidedOn?.toISOString().slice(0, 10)).toBe('2026-03-08');
  });

  it('when the credential renews into cycle 2, then the row moves on and a stale event of cycle 1 moves nothing back', async () => {
    expect(await repository.findCredential(n)).toMatchObject({
      cycle: 2,
      cycleStart: nextDates.start,
      expiresOn: nextDates.expiration,
      phase: 'Active',
      auditState: 'None',
      ceusEarned: 10,
    });
    expect(await repository.findCredentialState(n)).toMatchObject({
      cycle: 2,
      policyVersion: 2,
      workflowStatus: 'running',
      snapshot: snapshot({ runStartedAt: 6 }),
    });
  });

  it('when history-only events are recorded, then each has its row and nothing else changes', async () => {
    const rows = await events(n);
    expect(
      rows.filter((e) => ['policy_version_received', 'continued_as_new'].includes(e.type)).map((e) => e.data),
    ).toEqual([
      { policyId: 'nasm-cpt', version: 2, effectiveFrom: '2026-04-01' },
      { why: 'history_size', historyLength: 10_400 },
    ]);
    expect(rows).toHaveLength(batches.reduce((sum, b) => sum + b.events.length, 0));
  });

  it('when every batch is replayed, then nothing changes, not even a tuple version', async () => {
    const before = await dump();
    for (const b of batches) {
      const again = await record(b);
      expect(again).toMatchObject({ recorded: b.events.length, written: [], parked: [] });
    }
    expect(await dump()).toEqual(before);
  });

  it('when a batch is repeated with another snapshot, then the stored snapshot stays: it rides on new events only', async () => {
    const number = 'PB-S1';
    await record(
      batch([cycleStarted(number, start, { ceusEarned: 0 })], { snapshot: snapshot({ runStartedAt: 10 }) }),
    );
    const report = batch([ceuReported(number, course('S-1', 10, '2026-01-04'), '2026-01-05', 10)]);
    await record({ ...report, snapshot: snapshot({ runStartedAt: 11 }) });
    expect((await repository.findCredentialState(number))?.snapshot).toEqual(snapshot({ runStartedAt: 11 }));
    // A repeat of an older batch (its events all recorded) cannot overwrite what a later batch stored.
    await record({ ...report, snapshot: snapshot({ runStartedAt: 9 }) });
    expect((await repository.findCredentialState(number))?.snapshot).toEqual(snapshot({ runStartedAt: 11 }));
  });
});

describe('facts of other credentials and closes', () => {
  it('when two holders report the same provider completion id, then each gets the record and the outcome', async () => {
    for (const number of ['PB-H1', 'PB-H2']) {
      await record(batch([cycleStarted(number, '2025-09-01', { ceusEarned: 0 })]));
      const result = await record(
        batch([ceuReported(number, course('SHARED-7', 70, '2025-10-01', 'megacorp'), '2025-10-02', 70)]),
      );
      expect(result).toMatchObject({ recorded: 1, parked: [] });
    }
    const rows = await db.ceuRecord.findMany({
      where: { completionId: 'SHARED-7' },
      orderBy: { credentialNumber: 'asc' },
    });
    expect(rows.map((r) => [r.credentialNumber, r.units])).toEqual([
      ['PB-H1', 70],
      ['PB-H2', 70],
    ]);
    expect((await repository.findCredential('PB-H2'))?.ceusEarned).toBe(70);
    expect(await repository.reportOutcome('PB-H2', 'ceu', 'megacorp', 'SHARED-7')).toMatchObject({
      outcome: 'counted',
    });
  });

  it('when a report is refused after it counted, then it still reads counted; a refused one that is then counted reads counted', async () => {
    const number = 'PB-R1';
    await record(batch([cycleStarted(number, '2025-09-01', { ceusEarned: 0 })]));
    const refusal = (id: string, key: string): CredentialEvent => ({
      ...envelope(number, key, '2025-10-03', 1, PROVIDER),
      type: 'command_refused',
      command: 'reportCeuCompletion',
      reasons: [{ code: 'conflicting_correction', message: 'The first report stands.' }],
      received: '{}',
      report: { kind: 'ceu', source: 'acme', id },
    });
    await record(batch([ceuReported(number, course('K-1', 20, '2025-10-01'), '2025-10-02', 20)]));
    const counted = await repository.reportOutcome(number, 'ceu', 'acme', 'K-1');
    await record(batch([refusal('K-1', 'refused:K-1')]));
    expect(await repository.reportOutcome(number, 'ceu', 'acme', 'K-1')).toEqual(counted);

    await record(batch([refusal('K-2', 'refused:K-2')]));
    const refused = await repository.reportOutcome(number, 'ceu', 'acme', 'K-2');
    expect(refused).toMatchObject({ outcome: 'refused', reasonCode: 'conflicting_correction' });
    await record(batch([ceuReported(number, course('K-2', 20, '2025-10-01'), '2025-10-04', 40)]));
    const now = await repository.reportOutcome(number, 'ceu', 'acme', 'K-2');
    expect(now).toMatchObject({ outcome: 'counted', reasonCode: null });
    // Every change moves the outcome after the provider's cursor.
    expect(BigInt(now?.seq ?? 0)).toBeGreaterThan(BigInt(refused?.seq ?? 0));
    const after = await repository.reportOutcomesFor(PROVIDER.id, refused?.seq ?? '0', 10);
    expect(after.items.map((o) => [o.credentialNumber, o.externalId, o.outcome])).toEqual([
      [number, 'K-2', 'counted'],
    ]);
  });

  it('when a provider pages through its outcomes, then each page continues after the last seq', async () => {
    const all = [];
    let cursor = '0';
    for (;;) {
      const page = await repository.reportOutcomesFor(PROVIDER.id, cursor, 2);
      all.push(...page.items);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const seqs = all.map((o) => BigInt(o.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(all.map((o) => `${o.credentialNumber}/${o.externalId}`)).size).toBe(all.length);
    expect(all.every((o) => o.reportedBy.id === PROVIDER.id)).toBe(true);
    await expect(repository.reportOutcomesFor(PROVIDER.id, 'x', 2)).rejects.toThrow(RangeError);
  });

  it('when an application is not selected for audit, then its draw is recorded and no audit exists', async () => {
    const number = 'PB-N1';
    const d = cycleDates('2025-02-01', NASM);
    const quote = quoteFee(d, NASM, '2026-06-01') as Extract<FeeQuote, { accepted: true }>;
    const none = ceuBalance({
      dates: d,
      policy: NASM,
      asOf: '2026-06-01',
      completions: [],
      grants: [],
      cprAed: [],
      consumed: [],
    });
    await record(batch([cycleStarted(number, '2025-02-01', { ceusEarned: 0 })]));
    const result = await record(
      batch([
        {
          ...envelope(number, 'application:A-9:received', '2026-06-01', 1, PORTAL),
          type: 'application_received',
          applicationId: 'A-9',
          receivedOn: '2026-06-01',
          paymentReference: 'pay-9',
          amountPaid: 9900,
          fee: quote,
          balance: none,
        },
        {
          ...envelope(number, 'application:A-9:draw', '2026-06-01'),
          type: 'audit_not_selected',
          applicationId: 'A-9',
          draw: 5000,
        },
      ]),
    );
    expect(result).toMatchObject({ recorded: 2, parked: [], statements: 4 });
    expect(await db.application.findFirstOrThrow({ where: { credentialNumber: number } })).toMatchObject({
      auditSelected: false,
      auditDraw: 5000,
      status: 'pending',
    });
    expect(await db.audit.count({ where: { credentialNumber: number } })).toBe(0);
  });

  it('when a credential lapses or is revoked, then its workflow is completed; a reconciler can mark other closes', async () => {
    await record(batch([cycleStarted('PB-L1', '2023-01-15')]));
    await record(
      batch([{ ...envelope('PB-L1', 'lapsed', '2026-01-15'), type: 'lapsed' }], { phase: 'Lapsed' }),
    );
    expect(await repository.findCredentialState('PB-L1')).toMatchObject({
      phase: 'Lapsed',
      workflowStatus: 'completed',
    });

    await record(batch([cycleStarted('PB-V1', '2025-01-15')]));
    await record(
      batch([
        { ...envelope('PB-V1', 'revoked', '2025-05-01', 1, OPS), type: 'revoked', reason: 'Misconduct' },
      ]),
    );
    expect(await repository.findCredentialState('PB-V1')).toMatchObject({
      phase: 'Revoked',
      workflowStatus: 'completed',
    });

    expect(await repository.markWorkflowStatus('PB-V1', 'terminated')).toBe(true);
    expect((await repository.findCredentialState('PB-V1'))?.workflowStatus).toBe('terminated');
    expect(await repository.markWorkflowStatus('PB-NONE', 'failed')).toBe(false);
  });
});
