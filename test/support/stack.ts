import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import type { RateLimitOptions } from '../../api/public-rate-limit';
import { createDb, type Db } from '../../db/client';
import { createRepository } from '../../db/repository';
import type { Repository } from '../../db/types';
import { createWorker } from '../../worker/create-worker';
import { bundleWorkflows, freePort, startDevServer } from './temporal';

/**
 * The whole service, every layer real: Temporal dev server, worker, PostgreSQL (from global setup)
 * and the HTTP API listening on a random port.
 */
export interface Stack {
  baseUrl: string;
  env: TestWorkflowEnvironment;
  db: Db;
  /** The same repository the worker and the API use (added for tests that seed or read through it). */
  repository: Repository;
  /** The Temporal Web UI's address (http://127.0.0.1:<port>), when started with `ui: true`. */
  uiUrl?: string;
  stop: () => Promise<void>;
}

export interface StackOptions {
  taskQueue?: string;
  /** Scripted audit draws (0..9999; below 1000 selects under NASM's 10% rate). */
  auditDraw?: () => number;
  /** Serve the Temporal Web UI on a free port (see `uiUrl`). */
  ui?: boolean;
  /** The API's clock (default Date.now): a skewed one shows which instant a command carries. */
  apiNow?: () => number;
  /** The public verification lookup's per-IP limit (default: production's 30 a minute). */
  verifyRateLimit?: RateLimitOptions;
}

export async function startStack({
  taskQueue = 'credentials-test',
  auditDraw,
  ui = false,
  apiNow,
  verifyRateLimit,
}: StackOptions = {}): Promise<Stack> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
  const uiPort = ui ? await freePort() : undefined;
  const [env, workflowBundle] = await Promise.all([
    startDevServer(uiPort === undefined ? {} : { ui: true, uiPort }),
    bundleWorkflows(),
  ]);
  const db = createDb(url);
  const repository = createRepository(db);
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle,
    repository,
    ...(auditDraw ? { auditDraw } : {}),
  });
  const running = worker.run();
  const app = createApp({
    // On the native connection, as api/main.ts reaches Temporal.
    client: new Client({ connection: env.nativeConnection, namespace: 'default' }),
    repository,
    taskQueue,
    ...(apiNow ? { now: apiNow } : {}),
    ...(verifyRateLimit ? { verifyRateLimit } : {}),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    ...(uiPort === undefined ? {} : { uiUrl: `http://127.0.0.1:${uiPort}` }),
    env,
    db,
    repository,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      worker.shutdown();
      await running;
      // Its pool keeps warm connections open while idle: ended here, or they outlive the test.
      await repository.close();
      await env.teardown();
    },
  };
}
