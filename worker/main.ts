import { NativeConnection } from '@temporalio/worker';
import { loadConfig, requireDatabaseUrl } from '../config';
import { createCredentialRepository } from '../db/credential-repository';
import { createDb } from '../db/client';
import { createWorker } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDb(requireDatabaseUrl(config));
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    repository: createCredentialRepository(db),
  });
  // The worker shuts down gracefully on SIGINT/SIGTERM (Runtime's default shutdown signals).
  await worker.run();
  await connection.close();
  await db.$disconnect();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
