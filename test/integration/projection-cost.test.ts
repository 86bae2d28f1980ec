import type pg from 'pg';
import { recordEvents } from '../../db/record-events';
import { createSqlPool, type SqlPool } from '../../db/sql-pool';
import type { CredentialEvent } from '../../workflows/events';
import { batch, ceuReported, course, cycleStarted, envelope, snapshot } from '../support/projection-events';
import { type Cost, costOf } from '../support/table-cost';

// The performance issue's requirement: what one event costs must not grow with the number of
// credentials or of a credential's facts (no scans, no recomputation over a credential's rows).
// Measured inside one transaction with pg_stat_xact_user_tables, which counts this session's
// tuples read, fetched, inserted and updated per table; rolled back so a size can be measured again.

let pool: SqlPool;
let client: pg.PoolClient;

beforeAll(async () => {
  // A connection of the hot path's own pool, set up as in production.
  pool = createSqlPool(process.env.DATABASE_URL as string, { max: 1 });
  client = await pool.connect();
});
afterAll(async () => {
  client.release();
  await pool.end();
});

/** `count` credentials PC-<from>.. with `facts` CEU records, events and outcomes each, as production has them. */
async function seed(from: number, count: number, facts: number): Promise<void> {
  const to = from + count - 1;
  await client.query(
    `INSERT INTO credentials (number, policy_id, workflow_id, certified_on, cycle, cycle_start, expires_on,
                              late_window_ends_on, course_cutoff, lapses_on, phase, updated_at)
     SELECT 'PC-' || i, 'nasm-cpt', 'credential-PC-' || i, '2025-01-01', 1, '2025-01-01', '2027-01-01',
            '2027-04-01', '2027-04-01', '2028-01-01', 'Active', now()
       FROM generate_series($1::int, $2::int) i`,
    [from, to],
  );
  const each = `FROM generate_series($1::int, $2::int) i, generate_series(1, $3::int) j`;
  await client.query(
    `INSERT INTO ceu_records (credential_number, cycle, provider, completion_id, course, units, completed_on, approved, reported_at)
     SELECT 'PC-' || i, 1, 'acme', 'C-' || j, 'Course', 10, '2025-06-01', true, now() ${each}`,
    [from, to, facts],
  );
  await client.query(
    `INSERT INTO credential_events (credential_number, idempotency_key, cycle, type, actor_kind, actor_id, data, outcome, occurred_at)
     SELECT 'PC-' || i, 'PC-' || i || ':c1:ceu:acme:C-' || j, 1, 'ceu_completion_reported', 'service', 'key-acme',
            '{}', 'accepted', now() ${each}`,
    [from, to, facts],
  );
  await client.query(
    `INSERT INTO report_outcomes (credential_number, kind, source, external_id, outcome, reported_by_kind, reported_by_id, event_key, updated_at)
     SELECT 'PC-' || i, 'ceu', 'acme', 'C-' || j, 'counted', 'service', 'key-acme', 'PC-' || i || ':k' || j, now() ${each}`,
    [from, to, facts],
  );
  await client.query('ANALYZE');
}

/** One event recorded inside a transaction that is then rolled back. */
function cost(event: CredentialEvent): Promise<Cost> {
  return costOf(
    client,
    (pool) => recordEvents(pool, batch([event], { snapshot: snapshot({ runStartedAt: 1 }) })),
    (report) => {
      expect(report).toMatchObject({ recorded: 1, parked: [] });
      expect(report.written).toHaveLength(1);
    },
  );
}

const EVENTS: Record<string, (number: string) => CredentialEvent> = {
  'a CEU completion': (n) => ceuReported(n, course('NEW-1', 50, '2026-01-04'), '2026-01-05', 150),
  'a phase change': (n) => ({
    ...envelope(n, 'phase:late', '2027-01-02'),
    type: 'phase_changed',
    from: 'Active',
    to: 'ExpiredLate',
    ceusEarned: 100,
  }),
  'a refused report': (n) => ({
    ...envelope(n, 'refused:1', '2026-01-05'),
    type: 'command_refused',
    command: 'reportCeuCompletion',
    reasons: [{ code: 'dated_in_future', message: 'The course is dated tomorrow.' }],
    received: '{"completionId":"F-1"}',
    report: { kind: 'ceu', source: 'acme', id: 'F-1' },
  }),
};

describe('what one event costs as the tables grow', () => {
  const small: Record<string, Cost> = {};
  const large: Record<string, Cost> = {};

  beforeAll(async () => {
    // The measured credential PC-1 has 5 facts among 100 credentials...
    await seed(1, 100, 5);
    for (const [name, make] of Object.entries(EVENTS)) small[name] = await cost(make('PC-1'));
    // ...then 300 facts among 2,000 credentials.
    await seed(101, 1900, 5);
    await client.query(
      `INSERT INTO ceu_records (credential_number, cycle, provider, completion_id, course, units, completed_on, approved, reported_at)
       SELECT 'PC-1', 1, 'other', 'D-' || j, 'Course', 10, '2025-06-01', true, now() FROM generate_series(1, 295) j`,
    );
    await client.query('ANALYZE');
    for (const [name, make] of Object.entries(EVENTS)) large[name] = await cost(make('PC-1'));
    // The numbers the issue asks for, in the test output.
    console.log(
      Object.keys(EVENTS)
        .map(
          (n) =>
            `${n}: ${JSON.stringify(small[n])} at 100 credentials / 5 facts, ${JSON.stringify(large[n])} at 2,000 / 300`,
        )
        .join('\n'),
    );
  });

  it.each(Object.keys(EVENTS))(
    'when %s is recorded, then it is one statement without a sequential scan',
    (name) => {
      expect(small[name]).toMatchObject({ statements: 1, seqScans: 0 });
      expect(large[name]).toMatchObject({ statements: 1, seqScans: 0 });
    },
  );

  it.each(Object.keys(EVENTS))(
    'when there are 20 times the credentials and the credential has 60 times the facts, then %s touches the same tuples',
    (name) => {
      expect(large[name]?.tuples).toBeGreaterThan(0);
      expect(large[name]?.tuples).toBe(small[name]?.tuples);
    },
  );

  it('when a batch starts a credential, then its first event is one statement too', async () => {
    expect(await cost(cycleStarted('PC-NEW', '2026-01-01'))).toMatchObject({ statements: 1, seqScans: 0 });
  });
});
