import { Worker, type NativeConnection } from '@temporalio/worker';

/**
 * A worker of the bench's floor workflows (bench/floor/workflows.ts) whose `floor.recordFacts` and
 * `floor.record` sinks append to `recorded`.
 */
export function floorWorker(
  connection: NativeConnection,
  taskQueue: string,
  recorded: string[],
): Promise<Worker> {
  return Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('../../bench/floor/workflows'),
    activities: {
      record: (ids: string[]) => Promise.resolve(ids.length),
    },
    sinks: {
      floor: {
        record: {
          fn: (_info, ids: string[]) => {
            recorded.push(...ids);
          },
          callDuringReplay: false,
        },
        recordFacts: {
          fn: (_info, ids: string[]) => {
            recorded.push(...ids);
          },
          callDuringReplay: false,
        },
      },
    },
  });
}
