import { Client, Connection } from '@temporalio/client';
import { createFloorFront } from './front';

// The floor's HTTP front as its own process (scripts/bench-e2e-floor.ts starts it): what it answers
// is in front.ts.

async function main(): Promise<void> {
  const {
    TEMPORAL_ADDRESS: address,
    FLOOR_PORT: port,
    FLOOR_TASK_QUEUE: taskQueue,
    DATABASE_URL: databaseUrl,
  } = process.env;
  if (!address || !port || !taskQueue || !databaseUrl) {
    throw new Error('TEMPORAL_ADDRESS, FLOOR_PORT, FLOOR_TASK_QUEUE and DATABASE_URL are required');
  }
  const client = new Client({ connection: await Connection.connect({ address }) });
  const { server, close } = createFloorFront(client, databaseUrl, taskQueue);
  server.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
  process.on('SIGINT', () => server.close(() => void close().then(() => process.exit(0))));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
