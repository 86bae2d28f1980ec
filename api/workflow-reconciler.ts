import type { Client, WorkflowExecutionStatusName } from '@temporalio/client';
import type { Repository, WorkflowStatus } from '../db/types';
import { CREDENTIAL_WORKFLOW_TYPE, credentialWorkflowId } from '../workflows/contract';

// Reads answer from PostgreSQL without asking the workflow, so a workflow that closes abnormally
// (terminated from the UI or CLI, failed, timed out, cancelled, continued into no run) must be
// noticed by someone else: this reconciler. Every `everyMs` it lists credential runs that closed
// abnormally since its last pass (one visibility call), asks each such workflow how its latest run
// stands (a reset starts a new one), and records that in credentials.workflow_status. It also
// re-checks the credentials it marked before, so a reset or a restart clears the mark.

const PREFIX = credentialWorkflowId('');

const STATUS: Record<WorkflowExecutionStatusName, WorkflowStatus | null> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  CONTINUED_AS_NEW: 'continued',
  TIMED_OUT: 'timed_out',
  PAUSED: null,
  UNKNOWN: null,
  UNSPECIFIED: null,
};

export interface ReconcilerOptions {
  readonly client: Client;
  readonly repository: Pick<Repository, 'markWorkflowStatus' | 'abnormalWorkflows'>;
  readonly now?: () => number;
  /** How far back the first pass looks for closes (default 30 days). */
  readonly lookbackMs?: number;
  /** Overlap between passes, for visibility's lag (default 2 minutes). */
  readonly overlapMs?: number;
  readonly onError?: (err: unknown) => void;
}

export interface ReconcilePass {
  /** Credentials whose recorded workflow status changed in this pass, with the new status. */
  readonly changed: ReadonlyArray<{ readonly number: string; readonly status: WorkflowStatus }>;
}

export function createWorkflowReconciler({
  client,
  repository,
  now = Date.now,
  lookbackMs = 30 * 24 * 3600_000,
  overlapMs = 120_000,
  onError = () => undefined,
}: ReconcilerOptions) {
  let since: number | null = null;

  async function latestStatus(number: string): Promise<WorkflowStatus | null> {
    try {
      const description = await client.workflow.getHandle(credentialWorkflowId(number)).describe();
      return STATUS[description.status.name];
    } catch (err) {
      // Gone after retention: nothing to say beyond what the database already records.
      if ((err as { name?: string }).name === 'WorkflowNotFoundError') return null;
      throw err;
    }
  }

  /** One pass: the abnormal closes since the last pass, and the credentials marked before. */
  async function runOnce(): Promise<ReconcilePass> {
    const started = now();
    const from = new Date((since ?? started - lookbackMs) - overlapMs).toISOString();
    const query =
      `WorkflowType = '${CREDENTIAL_WORKFLOW_TYPE}' AND ` +
      `ExecutionStatus IN ('Terminated', 'Failed', 'TimedOut', 'Canceled', 'ContinuedAsNew') AND ` +
      `CloseTime > '${from}'`;
    const numbers = new Set<string>();
    for await (const execution of client.workflow.list({ query })) {
      if (execution.workflowId.startsWith(PREFIX)) numbers.add(execution.workflowId.slice(PREFIX.length));
    }
    for (const number of await repository.abnormalWorkflows()) numbers.add(number);
    const changed: { number: string; status: WorkflowStatus }[] = [];
    for (const number of numbers) {
      const status = await latestStatus(number);
      if (status && (await repository.markWorkflowStatus(number, status))) changed.push({ number, status });
    }
    since = started;
    return { changed };
  }

  /** Runs a pass every `everyMs` until stopped; a failed pass is reported and retried next time. */
  function start(everyMs: number): () => Promise<void> {
    let stopped = false;
    let current: Promise<unknown> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const tick = () => {
      current = runOnce()
        .catch(onError)
        .finally(() => {
          if (!stopped) timer = setTimeout(tick, everyMs);
        });
    };
    timer = setTimeout(tick, 0);
    return async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    };
  }

  return { runOnce, start };
}
