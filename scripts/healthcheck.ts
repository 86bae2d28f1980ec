import { loadConfig } from '../config';

// `node scripts/healthcheck.js api|worker`: the containers' health check. Exit 0 when the process
// answers its health endpoint (API: GET /health; worker: GET /health on its metrics port, 200 while
// it runs and polls both task queues) within 3 s; exit 1 otherwise, with the reason on stderr.
const TIMEOUT_MS = 3_000;

function healthUrl(role: string | undefined): string {
  const config = loadConfig();
  if (role === 'api') return `http://127.0.0.1:${config.PORT}/health`;
  if (role === 'worker') {
    const host = ['0.0.0.0', '::'].includes(config.METRICS_HOST) ? '127.0.0.1' : config.METRICS_HOST;
    return `http://${host.includes(':') ? `[${host}]` : host}:${config.WORKER_METRICS_PORT}/health`;
  }
  throw new Error('usage: healthcheck api|worker');
}

async function main(): Promise<void> {
  const url = healthUrl(process.argv[2]);
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
