import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { migrate, provideDatabase } from './lib/database';
import { projectRoot } from './lib/paths';
import { registerSearchAttributes } from './lib/search-attributes';
import { provideTemporal, stopChild } from './lib/temporal-server';

// `npm run dev`: database (migrated), Temporal dev server with its UI, worker and API; Ctrl-C stops all.
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await provideDatabase(process.env.DATABASE_NAME ?? 'recertify');
  await migrate(db.url);
  const temporal = await provideTemporal({ uiPort: config.TEMPORAL_UI_PORT });

  const connection = await Connection.connect({ address: temporal.address });
  await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  await connection.close();

  const env = { ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporal.address };
  const start = (entry: string): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, entry)], { env, stdio: 'inherit' });
  const children = [start('worker/main.ts'), start('api/main.ts')];

  console.log(
    [
      '',
      `  Database   ${db.source}`,
      `  Temporal   ${temporal.address} (${temporal.source})`,
      `  Web UI     ${temporal.uiUrl ?? 'see your Temporal server'}`,
      `  API        http://localhost:${config.PORT}`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(children.map((c) => stopChild(c)));
    await temporal.stop();
    await db.stop();
    process.exit(code);
  };
  for (const child of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`a service exited (code ${code ?? 'signal'}); stopping the rest`);
        void shutdown(1);
      }
    });
  }
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
