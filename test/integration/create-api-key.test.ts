import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createDb } from '../../db/client';
import { createRepository } from '../../db/repository';
import { pendingMigrations } from '../../scripts/lib/database';

// `npm run create-api-key` as ops run it (the real script, in a child process) against real
// PostgreSQL: on a current database it creates the key without starting Prisma's migration CLI; on
// an empty one it migrates first.

const ROOT = path.resolve(__dirname, '..', '..');
/** Prisma Migrate's PostgreSQL advisory lock (https://pris.ly/d/migrate-advisory-locking). */
const PRISMA_MIGRATE_LOCK = 72707369;
const run = promisify(execFile);
const url = () => {
  const value = process.env.DATABASE_URL;
  if (!value) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
  return value;
};
/** A second database on the same server, for the empty-database case. */
const scratchUrl = () => {
  const scratch = new URL(url());
  scratch.pathname = `${scratch.pathname}_keys`;
  return scratch.toString();
};

async function admin(sql: string): Promise<void> {
  const server = new URL(url());
  server.pathname = '/postgres';
  const client = new pg.Client({ connectionString: server.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function query(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function createApiKey(databaseUrl: string, label: string) {
  return run(
    path.join(ROOT, 'node_modules', '.bin', 'tsx'),
    ['scripts/create-api-key.ts', '--role', 'ops', '--label', label],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
    },
  );
}

async function expectWorkingKey(databaseUrl: string, token: string, label: string): Promise<void> {
  const repository = createRepository(createDb(databaseUrl));
  try {
    expect(await repository.findApiKey(token.trim())).toMatchObject({ role: 'ops', label });
  } finally {
    await repository.close();
  }
}

const scratchName = () => decodeURIComponent(new URL(scratchUrl()).pathname.slice(1));

beforeAll(() => admin(`DROP DATABASE IF EXISTS "${scratchName()}" WITH (FORCE)`));
afterAll(() => admin(`DROP DATABASE IF EXISTS "${scratchName()}" WITH (FORCE)`));

describe('create-api-key', () => {
  it('when the database is current, then it creates the key without migrating', async () => {
    expect(await pendingMigrations(url())).toEqual([]);
    // `prisma migrate deploy` takes this advisory lock first (and gives up after 10 s): held here,
    // the key can only be made if Prisma's migration CLI never runs.
    const migrationLock = new pg.Client({ connectionString: url() });
    await migrationLock.connect();
    await migrationLock.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    try {
      const { stdout, stderr } = await createApiKey(url(), 'CLI ops');
      expect(stderr).toContain('database schema up to date');
      expect(stderr).not.toContain('applied');
      expect(stdout.trim()).toMatch(/^rk_[\w-]{43}$/);
      await expectWorkingKey(url(), stdout, 'CLI ops');
    } finally {
      await migrationLock.end();
    }
  });

  it('when the database is empty, then it applies every migration first, and the next key finds it current', async () => {
    await admin(`CREATE DATABASE "${scratchName()}"`);
    const first = await createApiKey(scratchUrl(), 'first ops');
    const migrations = readdirSync(path.join(__dirname, '../../prisma/migrations'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(first.stderr).toContain(
      `applied ${migrations.length} pending migration(s): ${migrations.join(', ')}`,
    );
    await expectWorkingKey(scratchUrl(), first.stdout, 'first ops');
    expect(await pendingMigrations(scratchUrl())).toEqual([]);
    const second = await createApiKey(scratchUrl(), 'second ops');
    expect(second.stderr).toContain('database schema up to date');
  });

  it('when a migration is missing or failed in the database, then the cheap check names it', async () => {
    await query(
      scratchUrl(),
      "DELETE FROM _prisma_migrations WHERE migration_name = '20261121101500_reminder_outbox'",
    );
    await query(
      scratchUrl(),
      "UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '20261121095325_system_of_record'",
    );
    expect(await pendingMigrations(scratchUrl())).toEqual([
      '20261121095325_system_of_record',
      '20261121101500_reminder_outbox',
    ]);
  });
});
