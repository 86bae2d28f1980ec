import { Client, Connection } from '@temporalio/client';
import { createCredentialWorkflows } from '../api/credential-workflows';
import { loadConfig } from '../config';
import { temporalTarget } from '../config/temporal';
import { createDb } from '../db/client';
import { createRepository } from '../db/repository';
import { EXIT, parseCliArgs, runCli, UsageError } from '../import/cli';
import { provideDatabase } from './lib/database';

// `npm run import -- <file>`: bulk-enrols credentials from a CSV or NDJSON file (see README,
// "Bulk import"). Needs the worker running on TEMPORAL_TASK_QUEUE to start the workflows.
async function main(): Promise<number> {
  let args;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(err.message);
    return EXIT.unusable;
  }
  const config = loadConfig();
  const database = await provideDatabase(process.env.DATABASE_NAME ?? 'recertify');
  const repository = createRepository(createDb(database.url));
  const temporal = temporalTarget();
  const connection = await Connection.connect(temporal.connectionOptions);
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    return await runCli(
      args,
      {
        workflows: createCredentialWorkflows(client, repository, Date.now),
        repository,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        now: Date.now,
      },
      { stdout: process.stdout, stderr: process.stderr },
    );
  } finally {
    await connection.close();
    await repository.close();
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Connection lost or the like: rows may have started; a re-run is safe and finishes the job.
    console.error(err instanceof Error ? err.message : err);
    process.exit(EXIT.failures);
  },
);
