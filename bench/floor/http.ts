import { createServer } from 'node:http';
import { Client, Connection } from '@temporalio/client';

// The floor's HTTP front (scripts/bench-e2e-floor.ts): POST /facts/<workflow id> with a JSON body is
// parsed and sent to that workflow as a signal; POST /enrolments/<workflow id> starts it; both answer
// 202. No authentication, no validation, no database: the least any HTTP API in front of Temporal
// does for an enrolment or a fact.

async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS: address, FLOOR_PORT: port, FLOOR_TASK_QUEUE: taskQueue } = process.env;
  if (!address || !port || !taskQueue) {
    throw new Error('TEMPORAL_ADDRESS, FLOOR_PORT and FLOOR_TASK_QUEUE are required');
  }
  const client = new Client({ connection: await Connection.connect({ address }) });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [, route, encoded] = /^\/(facts|enrolments)\/(.+)$/.exec(req.url ?? '') ?? [];
      const id = decodeURIComponent(encoded ?? '');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const sent =
        route === 'enrolments'
          ? client.workflow.start('floorCredential', { workflowId: id, taskQueue, args: [] })
          : client.workflow.getHandle(id).signal('fact', body);
      sent.then(
        () => res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}'),
        (err: unknown) => res.writeHead(503).end(String(err)),
      );
    });
  });
  server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
  process.on('SIGINT', () => server.close(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
