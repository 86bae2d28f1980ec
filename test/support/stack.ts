import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createDb, type Db } from '../../db/client';
import { createCredentialRepository } from '../../db/credential-repository';
import { createWorker } from '../../worker/create-worker';
import { bundleWorkflows, startDevServer } from './temporal';

/**
 * The whole service, every layer real: Temporal dev server, worker, PostgreSQL (from global setup)
 * and the HTTP API listening on a random port.
 */
export interface Stack {
  baseUrl: string;
  env: TestWorkflowEnvironment;
  db: Db;
  stop: () => Promise<void>;
}

export async function startStack(taskQueue = 'credentials-test'): Promise<Stack> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
  const [env, workflowBundle] = await Promise.all([startDevServer(), bundleWorkflows()]);
  const db = createDb(url);
  const repository = createCredentialRepository(db);
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    workflowBundle,
    repository,
  });
  const running = worker.run();
  const app = createApp({ client: env.client, repository, taskQueue });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    env,
    db,
    stop: async () => {
      await new Promise((resolve) => server.close(resolve));
      worker.shutdown();
      await running;
      await db.$disconnect();
      await env.teardown();
    },
  };
}
