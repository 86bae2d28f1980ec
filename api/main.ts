import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig, requireDatabaseUrl } from '../config';
import { temporalTarget } from '../config/temporal';
import { createDb } from '../db/client';
import { createRepository } from '../db/repository';
import { createSqlPool } from '../db/sql-pool';
import { requestIdClientInterceptor } from '../observability/client-interceptor';
import { createLogger } from '../observability/logger';
import { startMetricsServer } from '../observability/metrics-server';
import { dbStatementsCounter } from '../observability/projection-metrics';
import { installApiRuntime } from '../observability/temporal-runtime';
import { createApp } from './app';
import { createApiMetrics } from './metrics';
import { createWorkflowReconciler } from './workflow-reconciler';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'api' });
  const url = requireDatabaseUrl(config);
  const db = createDb(url);
  const temporal = temporalTarget();
  installApiRuntime(logger);
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  const client = new Client({
    connection,
    namespace: temporal.namespace,
    // Starts, signals and updates carry the HTTP request id (memo and header).
    interceptors: { workflow: [requestIdClientInterceptor()] },
  });
  const metrics = createApiMetrics({ processMetrics: true });
  const statements = dbStatementsCounter(metrics.registry);
  const repository = createRepository(db, {
    pool: createSqlPool(url, { onStatement: () => statements.inc({ component: 'api' }) }),
  });
  const metricsServer = await startMetricsServer({
    registry: metrics.registry,
    port: config.API_METRICS_PORT,
    host: config.METRICS_HOST,
    logger,
  });
  const app = createApp({
    client,
    repository,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    logger,
    metrics,
    trustProxy: config.TRUST_PROXY,
  });
  // Every interface (a container's port must be reachable); the banner says so, and where metrics bind.
  const server = app.listen(config.PORT, () =>
    logger.info(
      {
        port: config.PORT,
        metrics: metricsServer.url,
        metricsBound: metricsServer.bound,
        temporal: temporal.description,
      },
      `API listening on port ${config.PORT} of all interfaces (docs: /docs); metrics on ${metricsServer.bound}`,
    ),
  );

  // Reads answer from PostgreSQL: workflows that close abnormally are noticed here and recorded.
  const stopReconciler =
    config.WORKFLOW_RECONCILE_MS > 0
      ? createWorkflowReconciler({
          client,
          repository,
          onError: (err) => logger.warn({ err }, 'workflow reconciliation failed; retrying next pass'),
        }).start(config.WORKFLOW_RECONCILE_MS)
      : () => Promise.resolve();

  const shutdown = () => {
    server.close(() => {
      void stopReconciler()
        .then(() => metricsServer.close())
        .then(() => connection.close())
        .then(() => repository.close());
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
