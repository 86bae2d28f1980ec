import { Counter, Histogram, type Registry } from 'prom-client';

type HttpLabels = 'method' | 'route' | 'status';

export interface HttpMetrics {
  observe(labels: Record<HttpLabels, string>, seconds: number): void;
}

/** Request count and latency by method, route pattern (never the raw path: bounded labels) and status. */
export function createHttpMetrics(registry: Registry): HttpMetrics {
  const requests = new Counter<HttpLabels>({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram<HttpLabels>({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration until the response finished, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    observe(labels, seconds) {
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
