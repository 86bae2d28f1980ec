import { collectDefaultMetrics, Registry } from 'prom-client';
import { createHttpMetrics, type HttpMetrics } from '../observability/http-metrics';
import { type ApiBusinessMetrics, createApiBusinessMetrics } from './outcome-counters';

export interface ApiMetrics {
  readonly registry: Registry;
  readonly http: HttpMetrics;
  readonly business: ApiBusinessMetrics;
}

/** The API process's metrics, in a registry of its own (no global state: one per app). */
export function createApiMetrics({ processMetrics = false } = {}): ApiMetrics {
  const registry = new Registry();
  // Node process metrics (CPU, memory, event-loop lag) in the process that serves them.
  if (processMetrics) collectDefaultMetrics({ register: registry });
  return { registry, http: createHttpMetrics(registry), business: createApiBusinessMetrics(registry) };
}
