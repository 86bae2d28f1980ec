import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LogLevel, LogMetadata } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { Registry } from 'prom-client';
import { createActivities } from '../../activities';
import type { CredentialActivities } from '../../activities/types';
import { createDb, type Db } from '../../db/client';
import { replayDeadLetters } from '../../db/dead-letter-replay';
import { listDeadLetters } from '../../db/dead-letters';
import { ProjectionUnavailableError } from '../../db/record-events';
import { createRepository } from '../../db/repository';
import { createSqlPool, type SqlPool } from '../../db/sql-pool';
import type { Repository } from '../../db/types';
import { createWorkerBusinessMetrics, projectionObserver } from '../../observability/instrument-activities';
import { loggerFrom } from '../../observability/logger-from';
import type { BatchResult, CredentialEvent, EventBatch } from '../../workflows/events';
import { batch, ceuReported, course, cycleStarted, envelope, snapshot } from '../support/projection-events';
import { freePort } from '../support/temporal';

// Nothing holds a credential hostage: an event that can never be written is parked and the rest of
// its batch recorded; an outage throws (the workflow retries) and leaves nothing half-written; a
// parked event is replayed once its cause is fixed.

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

let db: Db;
let pool: SqlPool;
let repository: Repository;
let statements = 0;
let admin: pg.Client;

beforeAll(async () => {
  const url = process.env.DATABASE_URL as string;
  db = createDb(url);
  pool = createSqlPool(url, { onStatement: () => (statements += 1) });
  repository = createRepository(db, { pool });
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});
afterAll(async () => {
  await admin.query('ALTER TABLE ceu_records DROP CONSTRAINT IF EXISTS test_units_bug');
  await admin.end();
  await repository.close();
});

interface LogLine {
  level: LogLevel;
  message: string;
  meta?: LogMetadata;
}

/** The activities as the worker wires them (counters, activity logger), run in an activity context. */
function worker() {
  const registry = new Registry();
  const lines: LogLine[] = [];
  const logger = loggerFrom((level, message, meta) => {
    lines.push({ level, message, ...(meta ? { meta } : {}) });
  });
  const activities = createActivities({
    repository,
    observer: projectionObserver(createWorkerBusinessMetrics(registry)),
  });
  const env = new MockActivityEnvironment({}, { logger });
  const recordEvents = (b: EventBatch): Promise<BatchResult> =>
    env.run<[EventBatch], BatchResult, CredentialActivities['recordEvents']>(activities.recordEvents, b);
  const parkedCount = async (type: string) => {
    const metric = await registry.getSingleMetric('projection_events_parked_total')?.get();
    return metric?.values.find((v) => v.labels.type === type)?.value ?? 0;
  };
  return { recordEvents, lines, parkedCount };
}

const deadLetter = (key: string) => db.deadLetterEvent.findUnique({ where: { eventKey: key } });
const recorded = (number: string) =>
  db.credentialEvent.findMany({ where: { credentialNumber: number }, orderBy: { id: 'asc' } });

describe('events that can never be written', () => {
  const n = 'DLQ-1';
  const good1 = ceuReported(n, course('G1', 50, '2026-01-04'), '2026-01-05', 50);
  const overflow = ceuReported(
    n,
    { ...course('X1', 0, '2026-01-04'), units: 3_000_000_000 },
    '2026-01-05',
    50,
  );
  const good2 = ceuReported(n, course('G2', 30, '2026-01-04'), '2026-01-06', 80);
  const nul = ceuReported(
    n,
    { ...course('X2', 10, '2026-01-04'), course: 'Bad\u0000course' },
    '2026-01-06',
    80,
  );
  const surrogate = ceuReported(
    n,
    { ...course('X3', 10, '2026-01-04'), course: 'Half \ud800 pair' },
    '2026-01-06',
    80,
  );
  const yearZero = ceuReported(n, course('X4', 10, '0000-01-01'), '2026-01-06', 80);
  const good3: CredentialEvent = {
    ...envelope(n, 'phase:late', '2027-07-01'),
    type: 'phase_changed',
    from: 'Active',
    to: 'ExpiredLate',
    ceusEarned: 80,
  };
  const poisoned = [good1, overflow, good2, nul, surrogate, yearZero, good3];

  it('when a batch holds poisoned events, then they are parked, the others recorded, and the activity returns normally', async () => {
    const { recordEvents, lines, parkedCount } = worker();
    await repository.recordEvents(batch([cycleStarted(n, '2025-06-30', { ceusEarned: 0 })]));
    const before = statements;

    const result = await recordEvents(batch(poisoned, { snapshot: snapshot({ runStartedAt: 7 }) }));

    expect(result).toEqual({ recorded: 3, parked: [overflow.key, nul.key, surrogate.key, yearZero.key] });
    // The guard refuses them before anything is sent: BEGIN, the 3 good events, COMMIT, 4 dead letters.
    expect(statements - before).toBe(2 + 3 + 4);
    expect((await recorded(n)).map((e) => e.idempotencyKey)).toEqual([
      `${n}:c1:started`,
      good1.key,
      good2.key,
      good3.key,
    ]);
    expect(await repository.findCredentialState(n)).toMatchObject({
      phase: 'ExpiredLate',
      snapshot: snapshot({ runStartedAt: 7 }),
    });
    expect((await repository.findCredential(n))?.ceusEarned).toBe(80);

    const letters = await Promise.all([overflow, nul, surrogate, yearZero].map((e) => deadLetter(e.key)));
    expect(letters.map((l) => [l?.eventType, l?.errorCode, l?.attempts, l?.resolvedAt])).toEqual([
      ['ceu_completion_reported', '22003', 1, null],
      ['ceu_completion_reported', '22021', 1, null],
      ['ceu_completion_reported', '22021', 1, null],
      ['ceu_completion_reported', '22008', 1, null],
    ]);
    expect(letters[0]?.errorMessage).toContain('completion.units');
    // The event is kept as received, with what jsonb refuses written out as visible escapes.
    expect((letters[1]?.event as { completion: { course: string } }).completion.course).toBe(
      'Bad\\u0000course',
    );
    expect((letters[2]?.event as { completion: { course: string } }).completion.course).toBe(
      'Half \\ud800 pair',
    );

    expect(await parkedCount('ceu_completion_reported')).toBe(4);
    const errors = lines.filter((l) => l.level === 'ERROR');
    expect(errors.map((l) => l.meta?.eventKey as string)).toEqual([
      overflow.key,
      nul.key,
      surrogate.key,
      yearZero.key,
    ]);
    // IDs only: neither the course's name nor the error text reaches the log.
    expect(JSON.stringify(errors)).not.toContain('course');
    expect(errors[0]?.meta).toMatchObject({
      credentialNumber: n,
      eventType: 'ceu_completion_reported',
      sqlState: '22003',
    });
  });

  it('when the same poisoned batch is retried, then nothing new is recorded, attempts grow and nothing is counted twice', async () => {
    const { recordEvents, lines, parkedCount } = worker();
    const result = await recordEvents(batch(poisoned));
    expect(result.parked).toHaveLength(4);
    expect((await deadLetter(overflow.key))?.attempts).toBe(2);
    expect(await parkedCount('ceu_completion_reported')).toBe(0);
    expect(lines.filter((l) => l.level === 'ERROR')).toEqual([]);
    expect(await recorded(n)).toHaveLength(4);
  });

  it('when PostgreSQL refuses an event (a constraint, a value of no enum), then it is parked and the rest of the batch recorded', async () => {
    await admin.query('ALTER TABLE ceu_records ADD CONSTRAINT test_units_bug CHECK (units <= 500)');
    const number = 'DLQ-2';
    await repository.recordEvents(batch([cycleStarted(number, '2025-06-30', { ceusEarned: 0 })]));
    const first = ceuReported(number, course('OK-1', 100, '2026-01-04'), '2026-01-05', 100);
    const refused = ceuReported(number, course('BIG-1', 600, '2026-01-04'), '2026-01-05', 700);
    const sms: CredentialEvent = {
      ...envelope(number, 'reminder:sms', '2026-01-06'),
      type: 'reminder_due',
      reminder: {
        key: '2025-06-30:before_expiry:90',
        kind: 'before_expiry',
        daysBefore: 90,
        on: '2027-04-01',
        at: 0,
      },
      channels: ['sms' as 'email'],
      facts: {},
    };
    const after = ceuReported(number, course('OK-2', 50, '2026-01-04'), '2026-01-06', 150);

    const result = await repository.recordEvents(batch([first, refused, sms, after]));

    expect(result.parked.map((p) => [p.key, p.code])).toEqual([
      [refused.key, '23514'],
      [sms.key, '22P02'],
    ]);
    expect((await recorded(number)).map((e) => e.idempotencyKey)).toEqual([
      `${number}:c1:started`,
      first.key,
      after.key,
    ]);
    expect(await db.reminderSent.count({ where: { credentialNumber: number } })).toBe(0);
    expect((await repository.findCredential(number))?.ceusEarned).toBe(150);
  });

  it('when an event refers to a row whose own event was parked, then it is parked too and later events still apply', async () => {
    const number = 'DLQ-3';
    await repository.recordEvents(batch([cycleStarted(number, '2025-06-30', { ceusEarned: 0 })]));
    const audit: CredentialEvent = {
      ...envelope(number, 'audit:AU-9:selected', '2026-03-01'),
      type: 'audit_selected',
      auditId: 'AU-9',
      applicationId: 'A-never-recorded',
      selectedOn: '2026-03-01',
      documentsDueOn: '2026-03-31',
      draw: 1,
      forced: false,
    };
    const later = ceuReported(number, course('L-1', 40, '2026-03-01'), '2026-03-02', 40);
    const result = await repository.recordEvents(
      batch([audit, later], { snapshot: snapshot({ runStartedAt: 3 }) }),
    );
    expect(result.parked.map((p) => [p.key, p.code])).toEqual([[audit.key, '23503']]);
    expect((await deadLetter(audit.key))?.errorMessage).toContain('application A-never-recorded');
    expect((await recorded(number)).map((e) => e.type)).toEqual(['cycle_started', 'ceu_completion_reported']);
    expect((await repository.findCredentialState(number))?.snapshot).toEqual(snapshot({ runStartedAt: 3 }));
  });
});

describe('outages', () => {
  it('when PostgreSQL does not answer, then recordEvents throws a retryable error', async () => {
    const port = await freePort();
    const offline = createRepository(db, {
      pool: createSqlPool(`postgresql://postgres@127.0.0.1:${port}/nowhere`),
    });
    const activities = createActivities({ repository: offline });
    const events = batch([
      cycleStarted('DLQ-O1', '2025-06-30'),
      cycleStarted('DLQ-O1', '2025-06-30', { cycle: 2 }),
    ]);
    const failure = await activities.recordEvents(events).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ProjectionUnavailableError);
    // A plain Error, not a non-retryable ApplicationFailure: Temporal retries the activity.
    expect(Object.getPrototypeOf(ProjectionUnavailableError.prototype)).toBe(Error.prototype);
    await expect(offline.recordEvents(batch([cycleStarted('DLQ-O1', '2025-06-30')]))).rejects.toBeInstanceOf(
      ProjectionUnavailableError,
    );
    expect(await db.deadLetterEvent.count({ where: { credentialNumber: 'DLQ-O1' } })).toBe(0);
  });

  /**
   * Records `events` while the credential row is held, so the batch's second statement (its CEU
   * record's foreign key) waits with the first statement's event row written but not committed;
   * then does `interrupt` to the waiting backend.
   */
  async function interrupted(events: EventBatch, interrupt: string): Promise<unknown> {
    await admin.query('BEGIN');
    try {
      await admin.query('SELECT 1 FROM credentials WHERE number = $1 FOR UPDATE', [events.credentialNumber]);
      const pending = repository.recordEvents(events).catch((err: unknown) => err);
      let blocked: number | undefined;
      for (let i = 0; i < 400 && blocked === undefined; i += 1) {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
        );
        blocked = rows[0]?.pid;
        if (blocked === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(blocked).toBeDefined();
      await admin.query(`SELECT ${interrupt}($1)`, [blocked]);
      return await pending;
    } finally {
      await admin.query('ROLLBACK');
    }
  }

  it.each([
    ['the connection is killed', 'pg_terminate_backend', /57P01|terminat/],
    ['the statement is cancelled (the connection lives on)', 'pg_cancel_backend', /57014/],
  ])(
    'when %s in the middle of a batch, then it throws, nothing is half-written or parked, and the retry records it all',
    async (_what, interrupt, message) => {
      const number = `DLQ-K-${interrupt}`;
      await repository.recordEvents(batch([cycleStarted(number, '2025-06-30', { ceusEarned: 0 })]));
      const first: CredentialEvent = {
        ...envelope(number, 'can:1', '2026-01-01'),
        type: 'continued_as_new',
        why: 'requested',
        historyLength: 12,
      };
      const second = ceuReported(number, course('K-1', 40, '2026-01-01'), '2026-01-02', 40);
      const events = batch([first, second], { snapshot: snapshot({ runStartedAt: 5 }) });

      const failure = await interrupted(events, interrupt);

      expect(failure).toBeInstanceOf(ProjectionUnavailableError);
      expect(String((failure as Error).message)).toMatch(message);
      expect((await recorded(number)).map((e) => e.type)).toEqual(['cycle_started']);
      expect(await db.ceuRecord.count({ where: { credentialNumber: number } })).toBe(0);
      expect((await repository.findCredentialState(number))?.snapshot).toBeNull();
      expect(await db.deadLetterEvent.count({ where: { credentialNumber: number } })).toBe(0);

      expect(await repository.recordEvents(events)).toMatchObject({ recorded: 2, parked: [] });
      expect((await recorded(number)).map((e) => e.type)).toEqual([
        'cycle_started',
        'continued_as_new',
        'ceu_completion_reported',
      ]);
      expect((await repository.findCredentialState(number))?.snapshot).toEqual(snapshot({ runStartedAt: 5 }));
    },
  );
});

describe('replaying dead letters after the cause is fixed', () => {
  it('when the constraint that refused an event is fixed, then replay records it and marks it resolved', async () => {
    const key = 'DLQ-2:c1:ceu:acme:BIG-1';
    expect((await listDeadLetters(pool, { key }))[0]).toMatchObject({ errorCode: '23514', resolvedAt: null });
    expect(await replayDeadLetters(db, pool, { key })).toEqual([
      {
        key,
        credentialNumber: 'DLQ-2',
        type: 'ceu_completion_reported',
        outcome: 'parked',
        error: expect.stringContaining('23514'),
      },
    ]);
    expect((await deadLetter(key))?.attempts).toBe(2);

    await admin.query('ALTER TABLE ceu_records DROP CONSTRAINT test_units_bug');
    expect(await replayDeadLetters(db, pool, { key })).toEqual([
      { key, credentialNumber: 'DLQ-2', type: 'ceu_completion_reported', outcome: 'recorded' },
    ]);
    expect((await deadLetter(key))?.resolvedAt).not.toBeNull();
    expect(
      await db.ceuRecord.findFirst({ where: { credentialNumber: 'DLQ-2', completionId: 'BIG-1' } }),
    ).toMatchObject({
      units: 600,
    });
    // Its stale balance is not replayed over the newer one: the workflow's next batch sets it.
    expect((await repository.findCredential('DLQ-2'))?.ceusEarned).toBe(150);
  });

  it('when a credential start was parked, then npm run dead-letters replays it and the events behind it, in order', async () => {
    const number = 'DLQ-C1';
    await admin.query(`ALTER TABLE credentials ADD CONSTRAINT test_start_bug CHECK (number <> '${number}')`);
    const start = cycleStarted(number, '2025-06-30', { ceusEarned: 0 });
    const ceu = ceuReported(number, course('C-1', 40, '2026-01-04'), '2026-01-05', 40);
    try {
      const result = await repository.recordEvents(batch([start, ceu]));
      expect(result.parked.map((p) => [p.key, p.code])).toEqual([
        [start.key, '23514'],
        [ceu.key, '23503'],
      ]);
    } finally {
      await admin.query('ALTER TABLE credentials DROP CONSTRAINT test_start_bug');
    }

    const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL };
    const cli = (...args: string[]) =>
      run(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/dead-letters.ts', ...args], {
        cwd: root,
        env,
      });
    const listed = await cli('list', '--json');
    const keys = (JSON.parse(listed.stdout) as { eventKey: string }[]).map((l) => l.eventKey);
    expect(keys).toEqual(expect.arrayContaining([start.key, ceu.key]));
    expect(keys.indexOf(start.key)).toBeLessThan(keys.indexOf(ceu.key));

    await cli('replay', '--key', start.key);
    const replayed = await cli('replay', '--key', ceu.key);
    expect(replayed.stdout).toContain(`recorded  ${ceu.key}`);
    expect((await recorded(number)).map((e) => e.type)).toEqual(['cycle_started', 'ceu_completion_reported']);
    expect(await repository.findCredential(number)).toMatchObject({ cycle: 1, phase: 'Active' });
    const afterwards = await cli('list', '--key', ceu.key);
    expect(afterwards.stdout.trim()).toBe('no parked events');

    // What is still parked (the poisoned values of DLQ-1 have no fix) makes replay exit 1.
    const failed = await cli('replay').catch((err: { code: number; stdout: string }) => err);
    expect((failed as { code: number }).code).toBe(1);
  });
});
