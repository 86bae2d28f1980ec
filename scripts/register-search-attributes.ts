import { Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { registerSearchAttributes } from './lib/search-attributes';

// `npm run temporal:search-attributes`: registers the credential search attributes on the cluster at
// TEMPORAL_ADDRESS (idempotent). The same as `temporal operator search-attribute create` per key.
async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  await connection.close();
  console.log(`search attributes registered in namespace ${config.TEMPORAL_NAMESPACE}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
