import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, type Logger, type LogMetadata } from '@temporalio/common';
import { Runtime, type InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import { recordingFailed } from '../workflows/contract';
import { loggerFrom } from '../observability/logger-from';
import { isWellFormedRequestId, REQUEST_ID_KEY } from '../observability/request-id';
import type { BatchResult, EventBatch, ProjectionSinks } from '../workflows/events';

// The worker's side of recording by sink (workflows/cycle/projector.ts). The SDK awaits a sink before
// it completes the workflow task, but only logs a sink's failure and drops it; so a batch PostgreSQL
// did not take is handed back to its run by the `recordingFailed` signal, which the run reads in its
// next activation, before it records anything else. Until one of the two succeeds, the task is not
// completed: a worker that reaches neither PostgreSQL nor Temporal holds it (its completion could not
// reach Temporal either), and Temporal gives the task to another worker once it times out.

export interface ProjectionSinkDeps {
  /** Writes a batch, idempotent on event keys (activities/index.ts, batchRecorder). */
  readonly record: (batch: EventBatch, log: () => Logger) => Promise<BatchResult>;
  /** Tells the run its batch `sequence` was not written. */
  readonly handBack: (workflowId: string, runId: string, sequence: number) => Promise<void>;
  readonly logger?: Logger;
  /** The wait before attempt `attempt` (2, 3, …) while neither side answers. */
  readonly retryDelayMs?: (attempt: number) => number;
}

/** The hand-back as the worker sends it: a signal to the very run that sent the batch. */
export function handBackBySignal(client: Client): ProjectionSinkDeps['handBack'] {
  return (workflowId, runId, sequence) =>
    client.workflow.getHandle(workflowId, runId).signal(recordingFailed, { batch: sequence });
}

export function projectionSinks(deps: ProjectionSinkDeps): InjectedSinks<ProjectionSinks> {
  return {
    projection: {
      // Never during replay: replayed batches were written (or handed back) when they ran.
      record: {
        fn: (info, batch, sequence, requestId) =>
          recordOrHandBack(
            deps,
            info,
            batch,
            sequence,
            isWellFormedRequestId(requestId) ? requestId : undefined,
          ),
      },
    },
  };
}

const backoff = (attempt: number): number => Math.min(100 * 2 ** attempt, 5_000);

async function recordOrHandBack(
  deps: ProjectionSinkDeps,
  info: WorkflowInfo,
  batch: EventBatch,
  sequence: number,
  requestId: string | undefined,
): Promise<void> {
  const log = withMeta(deps.logger ?? Runtime.instance().logger, {
    workflowId: info.workflowId,
    runId: info.runId,
    batch: sequence,
    ...(requestId ? { [REQUEST_ID_KEY]: requestId } : {}),
  });
  const delay = deps.retryDelayMs ?? backoff;
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, delay(attempt)));
    try {
      const result = await deps.record(batch, () => log);
      if (result.parked.length > 0) log.error('Events parked as dead letters', { keys: result.parked });
      return;
    } catch (err) {
      log.warn('PostgreSQL did not record the batch; handing it back to its run', { error: String(err) });
    }
    try {
      await deps.handBack(info.workflowId, info.runId, sequence);
      return;
    } catch (err) {
      // The run is closed: this task was already retried elsewhere, which recorded the batch again.
      if (err instanceof WorkflowNotFoundError) return;
      log.error('Could not hand the batch back to its run; trying both again', {
        error: String(err),
        attempt,
      });
    }
  }
}

function withMeta(logger: Logger, meta: LogMetadata): Logger {
  return loggerFrom((level, message, extra) => {
    logger.log(level, message, { ...meta, ...extra });
  });
}
