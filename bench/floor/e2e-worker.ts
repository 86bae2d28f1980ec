import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pg from 'pg';

// The floor worker of scripts/bench-ceu-floor.ts, in its own process: `floorCredential` with one
// activity that inserts the facts it is given, one statement, on a plain pg pool.

async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS: address, FLOOR_TASK_QUEUE: taskQueue, DATABASE_URL: url } = process.env;
  if (!address || !taskQueue || !url)
    throw new Error('TEMPORAL_ADDRESS, FLOOR_TASK_QUEUE and DATABASE_URL are required');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: {
      async recordFacts(ids: string[]): Promise<number> {
        const { rowCount } = await pool.query(
          'INSERT INTO floor_facts (id) SELECT unnest($1::text[]) ON CONFLICT (id) DO NOTHING',
          [ids],
        );
        return rowCount ?? 0;
      },
    },
  });
  process.send?.('ready');
  await worker.run();
  await connection.close();
  await pool.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
