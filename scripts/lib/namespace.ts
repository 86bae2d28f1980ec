import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';

const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

/**
 * Registers `namespace` when the cluster has none of that name (a self-hosted server starts with
 * none; Temporal Cloud namespaces already exist and are left alone). Closed workflows are kept for
 * `retentionDays`, after which the API answers from PostgreSQL alone.
 */
export async function ensureNamespace(
  connection: Connection,
  namespace: string,
  retentionDays: number,
): Promise<'exists' | 'created'> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return 'exists';
  } catch (err) {
    if ((err as { code?: number }).code !== NOT_FOUND) throw err;
  }
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
    });
  } catch (err) {
    // Another job registered it in the meantime.
    if ((err as { code?: number }).code !== ALREADY_EXISTS) throw err;
  }
  return 'created';
}
