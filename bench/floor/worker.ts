import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { CredentialActivities } from '../../activities/types';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../worker/bundle-options';

// The floor worker (scripts/bench-floor.ts), in its own process so its CPU is its own: the floor
// workflows bundled bare like the bench's reference, or the product's bundled like production (same
// interceptors and preloaded modules), with activities that do nothing (no database).

const activities: CredentialActivities & { record(ids: string[]): Promise<number> } = {
  record: (ids) => Promise.resolve(ids.length),
  recordEvents: (batch) => Promise.resolve({ recorded: batch.events.length, parked: [] }),
  loadPolicyVersions: () => Promise.resolve([]),
  recordEvent: () => Promise.resolve(),
  sendReminder: () => Promise.resolve(),
  drawAuditNumber: () => Promise.resolve(5000),
};

async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS: address, FLOOR_TASK_QUEUE: taskQueue, FLOOR_PRODUCT: product } = process.env;
  if (!address || !taskQueue) throw new Error('TEMPORAL_ADDRESS and FLOOR_TASK_QUEUE are required');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    activities,
    ...(product
      ? {
          workflowsPath: WORKFLOW_BUNDLE_OPTIONS.workflowsPath,
          interceptors: { workflowModules: WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules },
          bundlerOptions: { preloadModules: WORKFLOW_BUNDLE_OPTIONS.preloadModules },
        }
      : { workflowsPath: require.resolve('./workflows') }),
  });
  process.send?.('ready');
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
