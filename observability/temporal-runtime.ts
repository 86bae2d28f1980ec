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

// Core (Rust) logs are forwarded to the process's logger instead of printed on their own.
const forwardedLogs = { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } as const;

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
      logging: forwardedLogs,
      metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } },
    },
  });
  return { coreMetricsUrl: `http://127.0.0.1:${port}/metrics` };
}

/**
 * The API's Runtime, for a client on the core's native connection. Not @grpc/grpc-js: its retry
 * timers outlive `Connection.close()`, so an API stopped during a Temporal outage crashed on
 * "Channel has been shut down" instead of exiting cleanly; the core retries in Rust and stops with
 * the connection. No metrics exporter (the API serves its own), and no hold on SIGINT/SIGTERM: those
 * belong to the API's own graceful shutdown.
 */
export function installApiRuntime(logger: Logger): void {
  Runtime.install({
    logger: new PinoTemporalLogger(logger),
    shutdownSignals: [],
    telemetryOptions: { logging: forwardedLogs },
  });
}
