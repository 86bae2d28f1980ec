import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { temporalTarget } from '../config/temporal';
import { migrateIfNeeded, provideDatabase } from './lib/database';
import { projectRoot } from './lib/paths';
import { registerSearchAttributes } from './lib/search-attributes';
import { provideTemporal, stopChild } from './lib/temporal-server';

// `npm run dev`: database (migrated), Temporal dev server with its UI, worker and API; Ctrl-C stops all.
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await provideDatabase(process.env.DATABASE_NAME ?? 'recertify');
  await migrateIfNeeded(db.url);
  const temporal = await provideTemporal({ uiPort: config.TEMPORAL_UI_PORT });
  const temporalEnv =
    temporal.source === 'configured' ? process.env : await localTemporalEnv(temporal.address);
  const target = temporalTarget(temporalEnv);

  const connection = await Connection.connect(target.connectionOptions);
  await registerSearchAttributes(connection, target.namespace);
  await connection.close();

  const env = { ...temporalEnv, DATABASE_URL: db.url };
  const start = (entry: string): ChildProcess =>
    spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, entry)], { env, stdio: 'inherit' });
  const children = [start('worker/main.ts'), start('api/main.ts')];

  console.log(
    [
      '',
      `  Database   ${db.source}`,
      `  Temporal   ${target.description}, ${temporal.source}`,
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
  // `on`, not `once`: a second Ctrl-C (or a signal relayed by tsx as well as the terminal's) must not
  // kill this process halfway through stopping, leaving the Temporal dev server holding its ports.
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
}

/**
 * A local server takes no TLS or API key: the children get a profile file of their own, so neither
 * the user's default Temporal profile (~/.config/temporalio/temporal.toml) nor TEMPORAL_TLS* or
 * TEMPORAL_API_KEY variables meant for another cluster apply to it.
 */
async function localTemporalEnv(address: string): Promise<NodeJS.ProcessEnv> {
  const file = path.join(projectRoot, '.data', 'temporal-dev.toml');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(
    file,
    `# Written by npm run dev: the local Temporal server.\n[profile.default]\naddress = "${address}"\n`,
  );
  const kept = Object.entries(process.env).filter(
    ([name]) => !/^TEMPORAL_(API_KEY|TLS.*|PROFILE|CONFIG_FILE|GRPC_META_.*)$/.test(name),
  );
  return { ...Object.fromEntries(kept), TEMPORAL_ADDRESS: address, TEMPORAL_CONFIG_FILE: file };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
