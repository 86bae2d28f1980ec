import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';

const UPSTREAM_TIMEOUT_MS = 2_000;

export interface MetricsServerOptions {
  registry: Registry;
  port: number;
  host: string;
  /** Another exporter's /metrics (the Temporal core's) appended to ours, so one scrape gets both. */
  upstream?: string;
  /** Served as GET /health: 200 when it answers `ok`, else 503 (the worker's container health check). */
  health?: () => { ok: boolean; detail: string };
  logger?: Logger;
}

export interface MetricsServer {
  /** Where to scrape from this machine. */
  readonly url: string;
  /** What the socket is bound to, for start-up lines: `0.0.0.0:9464 (all interfaces)`, `127.0.0.1:9464`. */
  readonly bound: string;
  close(): Promise<void>;
}

const ALL_INTERFACES = new Set(['0.0.0.0', '::']);

async function scrape(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.text();
}

/** GET /metrics in Prometheus text format on its own port (internal: not behind the API's auth). */
export function startMetricsServer({
  registry,
  port,
  host,
  upstream,
  health,
  logger,
}: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = req.method === 'GET' ? req.url?.split('?')[0] : undefined;
    if (path === '/health' && health) {
      const { ok, detail } = health();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ status: ok ? 'ok' : 'unavailable', detail })}\n`);
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics\n');
      return;
    }
    void (async () => {
      let text = await registry.metrics();
      if (upstream) {
        try {
          text += `\n${await scrape(upstream)}`;
        } catch (err) {
          // Our own metrics still go out; the gap shows as missing temporal_* series.
          logger?.warn({ err, upstream }, 'core metrics scrape failed');
        }
      }
      res.writeHead(200, { 'content-type': registry.contentType }).end(text);
    })().catch((err: unknown) => {
      logger?.error({ err }, 'metrics scrape failed');
      res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { address, port: bound } = server.address() as AddressInfo;
      const shown = address.includes(':') ? `[${address}]` : address;
      const everywhere = ALL_INTERFACES.has(address);
      resolve({
        url: `http://${everywhere ? '127.0.0.1' : shown}:${bound}/metrics`,
        bound: `${shown}:${bound}${everywhere ? ' (all interfaces)' : ''}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
