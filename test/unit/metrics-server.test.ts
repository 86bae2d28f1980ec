import { Registry } from 'prom-client';
import { startMetricsServer } from '../../observability/metrics-server';

// The metrics server on a real socket: what its start-up line says it is bound to, and the worker's
// GET /health answered from a probe.

describe('startMetricsServer', () => {
  it('when bound to every interface, then it says so, and gives a local URL to scrape', async () => {
    const server = await startMetricsServer({ registry: new Registry(), port: 0, host: '0.0.0.0' });
    try {
      const port = new URL(server.url).port;
      expect(server.bound).toBe(`0.0.0.0:${port} (all interfaces)`);
      expect(server.url).toBe(`http://127.0.0.1:${port}/metrics`);
      expect((await fetch(server.url)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('when bound to loopback, then it says loopback', async () => {
    const server = await startMetricsServer({ registry: new Registry(), port: 0, host: '127.0.0.1' });
    try {
      expect(server.bound).toBe(`127.0.0.1:${new URL(server.url).port}`);
    } finally {
      await server.close();
    }
  });

  it('when given a health probe, then GET /health answers 200 while it is ok and 503 with its detail otherwise', async () => {
    let state = { ok: false, detail: 'starting' };
    const server = await startMetricsServer({
      registry: new Registry(),
      port: 0,
      host: '127.0.0.1',
      health: () => state,
    });
    try {
      const health = new URL('/health', server.url);
      const starting = await fetch(health);
      expect(starting.status).toBe(503);
      expect(await starting.json()).toEqual({ status: 'unavailable', detail: 'starting' });
      state = { ok: true, detail: 'RUNNING' };
      const running = await fetch(health);
      expect(running.status).toBe(200);
      expect(await running.json()).toEqual({ status: 'ok', detail: 'RUNNING' });
    } finally {
      await server.close();
    }
  });

  it('when there is no probe (the API), then /health is not served there', async () => {
    const server = await startMetricsServer({ registry: new Registry(), port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(new URL('/health', server.url))).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
