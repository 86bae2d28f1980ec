import { createServer } from 'node:http';
import { Client, Connection } from '@temporalio/client';

// The floor's HTTP front (scripts/bench-ceu-floor.ts): POST /facts/<workflow id> with a JSON body is
// parsed and sent to that workflow as a signal, then answered 202. No authentication, no validation,
// no database: the least any HTTP API in front of Temporal does for a fact.

async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS: address, FLOOR_PORT: port } = process.env;
  if (!address || !port) throw new Error('TEMPORAL_ADDRESS and FLOOR_PORT are required');
  const client = new Client({ connection: await Connection.connect({ address }) });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = decodeURIComponent((req.url ?? '').replace(/^\/facts\//, ''));
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400).end();
        return;
      }
      client.workflow
        .getHandle(id)
        .signal('fact', body)
        .then(
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
