import { Client, Connection } from '@temporalio/client';
import { loadConfig, requireDatabaseUrl } from '../config';
import { createDb } from '../db/client';
import { createRepository } from '../db/repository';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDb(requireDatabaseUrl(config));
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const repository = createRepository(db);
  const app = createApp({ client, repository, taskQueue: config.TEMPORAL_TASK_QUEUE });
  const server = app.listen(config.PORT, () =>
    console.log(`API listening on http://localhost:${config.PORT} (docs: /docs)`),
  );

  const shutdown = () => {
    server.close(() => {
      void connection.close().then(() => repository.close());
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
