import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { BareSinks } from './workflow';

// The bare reference worker, in its own process (so its RSS and CPU are its own), on its own task
// queue of the bench's Temporal server. It reports what its workflows handled to the bench over the
// IPC channel (fork/spawn with 'ipc'), and answers {kind:'status'} with its cache size and RSS.

type Message =
  | { kind: 'started'; id: string }
  | { kind: 'handled'; id: string }
  | { kind: 'status'; cached: number; rss: number };

function send(message: Message): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const taskQueue = process.env.BARE_TASK_QUEUE;
  if (!address || !taskQueue) throw new Error('TEMPORAL_ADDRESS and BARE_TASK_QUEUE are required');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const sinks: { bench: { [K in keyof BareSinks['bench']]: { fn: (info: unknown, id: string) => void } } } = {
    bench: {
      started: { fn: (_info, id) => send({ kind: 'started', id }) },
      handled: { fn: (_info, id) => send({ kind: 'handled', id }) },
    },
  };
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    workflowsPath: require.resolve('./workflow'),
    sinks,
  });
  process.on('message', (message: { kind?: string }) => {
    if (message.kind === 'status') {
      send({ kind: 'status', cached: worker.getStatus().numCachedWorkflows, rss: process.memoryUsage().rss });
    }
  });
  // Shuts down on SIGINT/SIGTERM (the Runtime's default shutdown signals).
  await worker.run();
  await connection.close();
  process.disconnect?.();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
