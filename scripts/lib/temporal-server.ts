import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { temporalTarget } from '../../config/temporal';
import { projectRoot } from './paths';
import { temporalCliPath } from './temporal-tools';

export interface TemporalServer {
  address: string;
  /** The Web UI, when this process started the server. */
  uiUrl: string | null;
  /** `configured`: TEMPORAL_ADDRESS or TEMPORAL_PROFILE names a cluster (config/temporal.ts). */
  source: 'configured' | 'already running' | 'dev server';
  stop: () => Promise<void>;
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(
  host: string,
  port: number,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await listening(host, port))) {
    if (child.exitCode !== null) throw new Error(`temporal server exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`temporal server did not listen on ${host}:${port} in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/**
 * The Temporal server for `npm run dev`: the configured cluster when TEMPORAL_ADDRESS or
 * TEMPORAL_PROFILE is set, else one already listening on :7233, else the CLI dev server with its
 * Web UI, persisted in .data/temporal.sqlite.
 */
export async function provideTemporal(options: { uiPort: number }): Promise<TemporalServer> {
  const noop = () => Promise.resolve();
  if (process.env.TEMPORAL_ADDRESS || process.env.TEMPORAL_PROFILE) {
    const { address } = temporalTarget().connectionOptions;
    return { address, uiUrl: null, source: 'configured', stop: noop };
  }
  if (await listening('127.0.0.1', 7233)) {
    return { address: '127.0.0.1:7233', uiUrl: null, source: 'already running', stop: noop };
  }
  const cli = temporalCliPath();
  if (!cli) throw new Error('Temporal CLI not found: run `npm run setup` or set TEMPORAL_CLI_PATH');
  const dataDir = path.join(projectRoot, '.data');
  await mkdir(dataDir, { recursive: true });
  const child = spawn(
    cli,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      '7233',
      '--ui-port',
      String(options.uiPort),
      '--db-filename',
      path.join(dataDir, 'temporal.sqlite'),
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await waitForPort('127.0.0.1', 7233, child, 30_000);
  return {
    address: '127.0.0.1:7233',
    uiUrl: `http://localhost:${options.uiPort}`,
    source: 'dev server',
    stop: () => stopChild(child),
  };
}
