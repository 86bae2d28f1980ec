import type pg from 'pg';
import { readCredential } from '../../db/credential-read';
import { abnormalWorkflows } from '../../db/credential-state';
import { recordEvents } from '../../db/record-events';
import { createSqlPool, type SqlPool } from '../../db/sql-pool';
import { batch, cycleStarted, envelope, snapshot } from '../support/projection-events';
import { type Cost, costOf } from '../support/table-cost';

// Issue 11's read target: a read is at most 3 SQL statements and the tuples it touches do not grow
// with the number of credentials or of other credentials' facts. /verify and the fee quote read the
// credential without its records, GET /credentials/:n with them: one statement either way.
// Counted as in projection-cost.test.ts, with pg_stat_xact_user_tables inside a transaction.

let pool: SqlPool;
let client: pg.PoolClient;

beforeAll(async () => {
  pool = createSqlPool(process.env.DATABASE_URL as string, { max: 1 });
  client = await pool.connect();
});
afterAll(async () => {
  client.release();
  await pool.end();
});

async function seed(from: number, count: number, facts: number): Promise<void> {
  const to = from + count - 1;
  await client.query(
    `INSERT INTO credentials (number, policy_id, workflow_id, certified_on, cycle, cycle_start, expires_on,
                              late_window_ends_on, course_cutoff, lapses_on, phase, snapshot, updated_at)
     SELECT 'RC-' || i, 'nasm-cpt', 'credential-RC-' || i, '2025-01-01', 1, '2025-01-01', '2027-01-01',
            '2027-04-01', '2027-04-01', '2028-01-01', 'Active', '{}'::jsonb, now()
       FROM generate_series($1::int, $2::int) i`,
    [from, to],
  );
  const each = `FROM generate_series($1::int, $2::int) i, generate_series(1, $3::int) j`;
  await client.query(
    `INSERT INTO ceu_records (credential_number, cycle, provider, completion_id, course, units, completed_on, approved, reported_at)
     SELECT 'RC-' || i, 1, 'acme', 'C-' || j, 'Course', 10, '2025-06-01', true, now() ${each}`,
    [from, to, facts],
  );
  await client.query(
    `INSERT INTO credential_events (credential_number, idempotency_key, cycle, type, actor_kind, actor_id, data, outcome, occurred_at)
     SELECT 'RC-' || i, 'RC-' || i || ':c1:ceu:acme:C-' || j, 1, 'ceu_completion_reported', 'service', 'key-acme',
            '{}', 'accepted', now() ${each}`,
    [from, to, facts],
  );
  await client.query(
    `INSERT INTO holders (credential_number, name, email, updated_at)
     SELECT 'RC-' || i, 'Holder ' || i, 'h' || i || '@example.com', now() FROM generate_series($1::int, $2::int) i`,
    [from, to],
  );
  await client.query('ANALYZE');
}

function cost(number: string, records: boolean): Promise<Cost> {
  return costOf(
    client,
    (pool) => readCredential(pool, number, { records }),
    (read) => expect(read?.number).toBe(number),
  );
}

function reconcileCost(): Promise<Cost> {
  return costOf(
    client,
    (pool) => abnormalWorkflows(pool),
    (numbers) => expect(numbers).toEqual(['RC-3']),
  );
}

describe('what one read costs as the tables grow', () => {
  const small: Record<string, Cost> = {};
  const large: Record<string, Cost> = {};

  beforeAll(async () => {
    await seed(1, 100, 5);
    await client.query(`UPDATE credentials SET workflow_status = 'terminated' WHERE number = 'RC-3'`);
    small.verify = await cost('RC-1', false);
    small.full = await cost('RC-1', true);
    small.reconcile = await reconcileCost();
    // 20 times the credentials, and other credentials with 60 times the facts.
    await seed(101, 1900, 5);
    await client.query(
      `INSERT INTO ceu_records (credential_number, cycle, provider, completion_id, course, units, completed_on, approved, reported_at)
       SELECT 'RC-2', 1, 'other', 'D-' || j, 'Course', 10, '2025-06-01', true, now() FROM generate_series(1, 295) j`,
    );
    await client.query('ANALYZE');
    large.verify = await cost('RC-1', false);
    large.full = await cost('RC-1', true);
    large.reconcile = await reconcileCost();
    console.log(
      `read without records (/verify, fee quote): ${JSON.stringify(small.verify)} at 100 credentials, ${JSON.stringify(large.verify)} at 2,000\n` +
        `read with records (GET /credentials/:n): ${JSON.stringify(small.full)} at 100 credentials, ${JSON.stringify(large.full)} at 2,000\n` +
        `the reconciler's lookup of abnormal closes: ${JSON.stringify(small.reconcile)} at 100 credentials, ${JSON.stringify(large.reconcile)} at 2,000`,
    );
  });

  it.each(['verify', 'full'])(
    'when a credential is read (%s), then it is one statement without a sequential scan',
    (kind) => {
      expect(small[kind]).toMatchObject({ statements: 1, seqScans: 0 });
      expect(large[kind]).toMatchObject({ statements: 1, seqScans: 0 });
    },
  );

  it("when the API's reconciler looks for abnormal closes every 30 s, then it touches only those, whatever the number of credentials", () => {
    expect(small.reconcile).toMatchObject({ statements: 1, seqScans: 0 });
    expect(large.reconcile?.tuples).toBeGreaterThan(0);
    expect(large.reconcile?.tuples).toBe(small.reconcile?.tuples);
  });

  it.each(['verify', 'full'])(
    'when there are 20 times the credentials and others have 60 times the facts, then a read (%s) touches the same tuples',
    (kind) => {
      expect(large[kind]?.tuples).toBeGreaterThan(0);
      expect(large[kind]?.tuples).toBe(small[kind]?.tuples);
    },
  );
});

describe('the snapshot across a renewal', () => {
  // Its own pool: the one above keeps its only connection for the cost measurements.
  let own: SqlPool;
  beforeAll(() => {
    own = createSqlPool(process.env.DATABASE_URL as string, { max: 2 });
  });
  afterAll(async () => {
    await own.end();
  });

  it('when a cycle renews, then the ended cycle’s snapshot is not read as the next one’s until the next run records its own', async () => {
    const n = 'RC-RENEW-1';
    const nextDates = {
      start: '2027-01-01',
      expiration: '2029-01-01',
      lateWindowEnd: '2029-04-01',
      courseCutoff: '2029-04-01',
      lapseDate: '2030-01-01',
    };
    await recordEvents(
      own,
      batch([cycleStarted(n, '2025-01-01')], { snapshot: snapshot({ runStartedAt: 1 }) }),
    );
    expect((await readCredential(own, n))?.snapshot).toEqual(snapshot({ runStartedAt: 1 }));
    await recordEvents(
      own,
      batch(
        [
          {
            ...envelope(n, 'renewed', '2026-12-01'),
            type: 'renewed',
            nextCycle: 2,
            nextDates,
            ceusEarned: 0,
          },
        ],
        {
          snapshot: snapshot({ runStartedAt: 2 }),
        },
      ),
    );
    expect(await readCredential(own, n)).toMatchObject({ cycle: 2, snapshot: null });
    await recordEvents(
      own,
      batch([cycleStarted(n, nextDates.start, { cycle: 2, dates: nextDates })], {
        cycle: 2,
        snapshot: snapshot({ runStartedAt: 3 }),
      }),
    );
    expect(await readCredential(own, n)).toMatchObject({
      cycle: 2,
      snapshot: snapshot({ runStartedAt: 3 }),
    });
  });
});
