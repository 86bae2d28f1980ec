import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Config } from '../config';
import {
  createWorkerBusinessMetrics,
  type WorkerBusinessMetrics,
} from '../observability/instrument-activities';
import { createLogger, type Logger } from '../observability/logger';
import { startMetricsServer } from '../observability/metrics-server';
import { installWorkerRuntime } from '../observability/temporal-runtime';

export interface WorkerObservability {
  logger: Logger;
  metrics: WorkerBusinessMetrics;
  /** For other worker components' counters (served on the same /metrics). */
  registry: Registry;
  /** Where the combined /metrics (ours + Temporal core's) is served. */
  metricsUrl: string;
  /** What GET /health on the metrics port answers from (until set: 503 `starting`). */
  setHealthProbe(probe: HealthProbe): void;
  close(): Promise<void>;
}

export type HealthProbe = () => { ok: boolean; detail: string };

/**
 * The worker's logs and metrics, set up before anything connects to Temporal (the Runtime is
 * installed once per process): pino for every log line, one /metrics on WORKER_METRICS_PORT with the
 * business counters, Node process metrics and the Temporal core's worker metrics.
 */
export async function startWorkerObservability(config: Config): Promise<WorkerObservability> {
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'worker' });
  const { coreMetricsUrl } = await installWorkerRuntime(logger);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let probe: HealthProbe = () => ({ ok: false, detail: 'starting' });
  const server = await startMetricsServer({
    registry,
    port: config.WORKER_METRICS_PORT,
    host: config.METRICS_HOST,
    upstream: coreMetricsUrl,
    health: () => probe(),
    logger,
  });
  logger.info({ metrics: server.url, bound: server.bound }, `worker metrics listening on ${server.bound}`);
  return {
    logger,
    metrics: createWorkerBusinessMetrics(registry),
    registry,
    metricsUrl: server.url,
    setHealthProbe: (next) => {
      probe = next;
    },
    close: () => server.close(),
  };
}
