import { createServer } from 'node:net';
import { Runtime } from '@temporalio/worker';
import type { Logger } from './logger';
import { PinoTemporalLogger } from './temporal-logger';

/** A port free right now on the loopback interface (the core exporter binds it right after). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Installs the process's Temporal Runtime (once per process, before any connection): SDK, workflow,
 * activity and core logs go to pino; the core's Prometheus exporter listens on a loopback port that
 * only the worker's metrics server scrapes (it appends those series to its own /metrics).
 */
export async function installWorkerRuntime(logger: Logger): Promise<{ coreMetricsUrl: string }> {
  const port = await freeLoopbackPort();
  Runtime.install({
    logger: new PinoTemporalLogger(logger),
    telemetryOptions: {
      // Core (Rust) logs are forwarded to the same logger instead of printed on their own.
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } },
    },
  });
  return { coreMetricsUrl: `http://127.0.0.1:${port}/metrics` };
}
