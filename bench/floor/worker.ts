import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pg from 'pg';
import type { CredentialActivities } from '../../activities/types';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../worker/bundle-options';

// The floor worker (scripts/bench-floor.ts, scripts/bench-e2e-floor.ts), in its own process so its
// CPU is its own: the floor workflows bundled on their own like the bench's reference, or the
// product's bundled like production (same interceptors), both with the product worker's preloaded
// modules, with activities and sinks that do nothing, except the `recordFacts` sink: one INSERT when
// DATABASE_URL is set (the end-to-end floor).

const pool = process.env.DATABASE_URL ? new pg.Pool({ connectionString: process.env.DATABASE_URL }) : null;

async function recordFacts(ids: string[]): Promise<void> {
  if (!pool) throw new Error('recordFacts needs DATABASE_URL');
  await pool.query('INSERT INTO floor_facts (id) SELECT unnest($1::text[]) ON CONFLICT (id) DO NOTHING', [
    ids,
  ]);
}

const activities: CredentialActivities & { record(ids: string[]): Promise<number> } = {
  record: (ids) => Promise.resolve(ids.length),
  recordEvents: (batch) => Promise.resolve({ recorded: batch.events.length, parked: [] }),
  loadPolicyVersions: () => Promise.resolve([]),
  recordEvent: () => Promise.resolve(),
  sendReminder: () => Promise.resolve(),
  drawAuditNumber: () => Promise.resolve(5000),
};

async function main(): Promise<void> {
  const { TEMPORAL_ADDRESS: address, FLOOR_TASK_QUEUE: taskQueue, FLOOR_PRODUCT: product } = process.env;
  if (!address || !taskQueue) throw new Error('TEMPORAL_ADDRESS and FLOOR_TASK_QUEUE are required');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    activities,
    // bareSink's sink and the product's: they do nothing, like `record` (the SDK awaits a sink
    // before it completes the task).
    sinks: {
      floor: {
        record: { fn: () => Promise.resolve(), callDuringReplay: false },
        recordFacts: { fn: (_info, ids: string[]) => recordFacts(ids), callDuringReplay: false },
      },
      projection: { record: { fn: () => Promise.resolve(), callDuringReplay: false } },
    },
    // floorRulesCredential runs the product's engine code: preloaded as the product's worker preloads
    // it (and the SDK's workflow API), so no floor workflow evaluates it anew.
    bundlerOptions: { preloadModules: WORKFLOW_BUNDLE_OPTIONS.preloadModules },
    ...(product
      ? {
          workflowsPath: WORKFLOW_BUNDLE_OPTIONS.workflowsPath,
          interceptors: { workflowModules: WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules },
        }
      : { workflowsPath: require.resolve('./workflows') }),
  });
  process.send?.('ready');
  await worker.run();
  await connection.close();
  await pool?.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
