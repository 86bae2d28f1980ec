import type { SqlPool } from './sql-pool';
import type { CommandReceipt, CommandReceiptKey } from './types';

// The first final outcome of each command sent with an Idempotency-Key (api/command-receipts.ts).
// Keyed by credential, operation and key; one index lookup to read, one insert to write.

/** How long a receipt answers a retry: 30 days, as the workflow's own memory of update outcomes. */
export const COMMAND_RECEIPT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Expired rows deleted per insert: bounded work, through the created_at index. */
const PURGE_BATCH = 100;

interface Row {
  request_hash: string;
  status: number;
  response: CommandReceipt['response'];
  created_at: Date;
}

function toReceipt(row: Row): CommandReceipt {
  return {
    requestHash: row.request_hash,
    status: row.status,
    response: row.response,
    createdAt: row.created_at.toISOString(),
  };
}

/** The live receipt of a command (younger than the retention), or null. */
export async function findCommandReceipt(
  pool: SqlPool,
  key: CommandReceiptKey,
  now: number,
): Promise<CommandReceipt | null> {
  const { rows } = await pool.query<Row>(
    `SELECT request_hash, status, response, created_at FROM command_receipts
      WHERE credential_number = $1 AND operation = $2 AND idempotency_key = $3 AND created_at >= $4`,
    [key.credentialNumber, key.operation, key.idempotencyKey, new Date(now - COMMAND_RECEIPT_RETENTION_MS)],
  );
  return rows[0] ? toReceipt(rows[0]) : null;
}

/**
 * Stores a receipt unless a live one exists (a concurrent retry stored it first); returns the one
 * that is stored. An expired row under the same key is replaced; a few other expired rows are purged.
 */
export async function saveCommandReceipt(
  pool: SqlPool,
  key: CommandReceiptKey,
  receipt: Omit<CommandReceipt, 'createdAt'>,
  now: number,
): Promise<CommandReceipt> {
  const cutoff = new Date(now - COMMAND_RECEIPT_RETENTION_MS);
  await pool.query(
    `DELETE FROM command_receipts WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM command_receipts WHERE created_at < $1 LIMIT ${PURGE_BATCH}))`,
    [cutoff],
  );
  const { rows } = await pool.query<Row>(
    `INSERT INTO command_receipts
       (credential_number, operation, idempotency_key, request_hash, status, response, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (credential_number, operation, idempotency_key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, status = EXCLUDED.status,
           response = EXCLUDED.response, created_at = EXCLUDED.created_at
       WHERE command_receipts.created_at < $8
     RETURNING request_hash, status, response, created_at`,
    [
      key.credentialNumber,
      key.operation,
      key.idempotencyKey,
      receipt.requestHash,
      receipt.status,
      JSON.stringify(receipt.response),
      new Date(now),
      cutoff,
    ],
  );
  if (rows[0]) return toReceipt(rows[0]);
  const stored = await findCommandReceipt(pool, key, now);
  if (!stored) throw new Error('Command receipt vanished between insert and read');
  return stored;
}
