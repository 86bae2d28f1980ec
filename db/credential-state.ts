import type { CycleSnapshot } from '../workflows/contract';
import type { SqlPool } from './sql-pool';
import type { CredentialState, WorkflowStatus } from './types';

// Reads that no longer ask the workflow: the run's latest snapshot and how its workflow stands.

/** One primary-key read. */
export async function findCredentialState(pool: SqlPool, number: string): Promise<CredentialState | null> {
  const { rows } = await pool.query<{
    number: string;
    policy_id: string;
    policy_version: number;
    cycle: number;
    phase: CredentialState['phase'];
    workflow_status: WorkflowStatus;
    snapshot: CycleSnapshot | null;
    updated_at: Date;
  }>(
    `SELECT number, policy_id, policy_version, cycle, phase, workflow_status, snapshot, updated_at
       FROM credentials WHERE number = $1`,
    [number],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    number: row.number,
    policyId: row.policy_id,
    policyVersion: row.policy_version,
    cycle: row.cycle,
    phase: row.phase,
    workflowStatus: row.workflow_status,
    snapshot: row.snapshot,
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Credentials whose workflow a reconciler found closed abnormally (for it to check again). */
export async function abnormalWorkflows(pool: SqlPool, limit = 1000): Promise<string[]> {
  const { rows } = await pool.query<{ number: string }>(
    `SELECT number FROM credentials WHERE workflow_status NOT IN ('running', 'completed') ORDER BY number LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.number);
}

/** Records how the credential's workflow stands (a reconciler's finding); false when no such credential or no change. */
export async function markWorkflowStatus(
  pool: SqlPool,
  number: string,
  status: WorkflowStatus,
): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE credentials SET workflow_status = $2::"WorkflowStatus", updated_at = now()
      WHERE number = $1 AND workflow_status <> $2::"WorkflowStatus"`,
    [number, status],
  );
  return rowCount !== 0;
}
