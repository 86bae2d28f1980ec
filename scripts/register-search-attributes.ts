import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { type TemporalTarget, temporalTarget } from '../config/temporal';
import { ensureNamespace } from './lib/namespace';
import { registerSearchAttributes } from './lib/search-attributes';

// `npm run temporal:search-attributes`: on the cluster of the Temporal configuration (config/temporal.ts),
// registers the namespace when missing and the credential search attributes (both idempotent; the
// same as `temporal operator search-attribute create` per key). The compose `migrate` job runs it as
// soon as the server's port opens, so it retries for a while: a new namespace takes seconds to be usable.
const RETENTION_DAYS = 30;
const DEADLINE_MS = 120_000;
const RETRY_MS = 2_000;

async function register(temporal: TemporalTarget): Promise<string> {
  const connection = await Connection.connect(temporal.connectionOptions);
  try {
    const namespace = await ensureNamespace(connection, temporal.namespace, RETENTION_DAYS);
    await registerSearchAttributes(connection, temporal.namespace);
    return `namespace ${temporal.namespace} (${namespace === 'created' ? 'created' : 'exists'}) and search attributes registered on ${temporal.connectionOptions.address}`;
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const temporal = temporalTarget(); // a configuration error is final, not retried
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    try {
      console.log(await register(temporal));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      console.error(`not yet: ${(err as Error).message}; retrying in ${RETRY_MS / 1000} s`);
      await sleep(RETRY_MS);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
