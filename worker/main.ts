import { NativeConnection } from '@temporalio/worker';
import { loadConfig, requireDatabaseUrl } from '../config';
import { createDb } from '../db/client';
import { createRepository } from '../db/repository';
import { createWorker } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const repository = createRepository(createDb(requireDatabaseUrl(config)));
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    repository,
    // A prebuilt bundle makes every replica run byte-identical workflow code.
    ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
  });
  // The worker shuts down gracefully on SIGINT/SIGTERM (Runtime's default shutdown signals).
  await worker.run();
  await connection.close();
  await repository.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
