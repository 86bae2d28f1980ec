import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createDb } from '../../db/client';
import { createRepository } from '../../db/repository';
import { createSqlPool } from '../../db/sql-pool';
import type { Repository } from '../../db/types';
import { createWorker } from '../../worker/create-worker';

// The production worker (createWorker, the real repository), killed at the worst moment for its
// recording sink: right after PostgreSQL committed a batch holding an event of type CRASH_AFTER_TYPE,
// before the sink returns, so the workflow task that produced it is never completed.
// Used by test/integration/worker-crash.test.ts; not a production entry point.

async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS: address, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: url } = process.env;
  const crashAfter = process.env.CRASH_AFTER_TYPE;
  if (!address || !taskQueue || !url || !crashAfter) {
    throw new Error('TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE, DATABASE_URL and CRASH_AFTER_TYPE are required');
  }
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const real = createRepository(createDb(url), { pool: createSqlPool(url) });
  const repository: Repository = {
    ...real,
    async recordEvents(batch) {
      const report = await real.recordEvents(batch);
      if (batch.events.some((e) => e.type === crashAfter)) {
        process.stdout.write(`committed ${batch.events.map((e) => e.key).join(' ')}\n`);
        process.kill(process.pid, 'SIGKILL');
      }
      return report;
    },
  };
  const connection = await NativeConnection.connect({ address });
  const worker = await createWorker({ connection, namespace: 'default', taskQueue, repository });
  process.stdout.write('ready\n');
  await worker.run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
