import { NativeConnection } from '@temporalio/worker';
import { loadConfig, requireDatabaseUrl } from '../config';
import { temporalTarget } from '../config/temporal';
import { createDb } from '../db/client';
import { createRepository } from '../db/repository';
import { createSqlPool } from '../db/sql-pool';
import { startReminderDelivery } from '../delivery';
import { createWorker } from './create-worker';
import { startWorkerObservability } from './observability';

async function main(): Promise<void> {
  const config = loadConfig();
  const temporal = temporalTarget();
  // First: the Temporal Runtime (logger, core metrics) must be installed before any connection.
  const observability = await startWorkerObservability(config);
  const url = requireDatabaseUrl(config);
  const db = createDb(url);
  const repository = createRepository(db, {
    pool: createSqlPool(url, {
      onStatement: () => observability.metrics.dbStatements.inc({ component: 'worker' }),
    }),
  });
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  observability.logger.info({ temporal: temporal.description }, 'connected to Temporal');
  const worker = await createWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    repository,
    metrics: observability.metrics,
    // A prebuilt bundle makes every replica run byte-identical workflow code.
    ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
  });
  // GET /health on the metrics port (the container's health check): running and polling both queues.
  observability.setHealthProbe(() => {
    const { runState, workflowPollerState, activityPollerState } = worker.getStatus();
    return {
      ok: runState === 'RUNNING' && workflowPollerState === 'POLLING' && activityPollerState === 'POLLING',
      detail: `${runState}; workflow poller ${workflowPollerState}; activity poller ${activityPollerState}`,
    };
  });
  // The reminder outbox's dispatcher runs beside the worker and stops before the database closes.
  const logger = observability.logger.child({ component: 'reminders' });
  const reminders = startReminderDelivery({ config, db, repository, logger });
  // The worker shuts down gracefully on SIGINT/SIGTERM (Runtime's default shutdown signals).
  await worker.run();
  await reminders.stop();
  await connection.close();
  await repository.close();
  await observability.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
