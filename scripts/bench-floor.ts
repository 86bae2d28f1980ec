import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { cpuMsOf, freePort, rssOf, sleep, startChild, stopChild, waitUntil } from '../bench/processes';
import { NASM_CPT } from '../rules/policies';
import { credentialWorkflowId, reportCeuCompletion } from '../workflows/contract';
import { newCredentialInput, startOptions } from '../workflows/start';
import { registerSearchAttributes } from './lib/search-attributes';
import { temporalCliPath } from './lib/temporal-tools';

// `npx tsx scripts/bench-floor.ts`: what the worker alone spends per workflow start and per signal,
// with no database and no API, for the bench's bare workflow, the bare workflow plus one local
// activity per workflow task (the floor of recording facts from the workflow), the same recording
// through a sink instead (what a design without that activity would save), and the product's
// workflow with activities that do nothing. CPU of the worker process from /proc, after it is idle.

const KINDS = ['bare', 'bareLocalActivity', 'bareSink', 'credential'] as const;
type Kind = (typeof KINDS)[number];

async function idle(pid: number): Promise<number> {
  let before = (await cpuMsOf(pid)) ?? 0;
  for (let i = 0; i < 120; i += 1) {
    await sleep(500);
    const now = (await cpuMsOf(pid)) ?? 0;
    if (now - before <= 10) return now;
    before = now;
  }
  return before;
}

async function inParallel(count: number, concurrency: number, run: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await run(next++);
    }),
  );
}

async function measure(client: Client, address: string, kind: Kind, starts: number, signals: number) {
  const taskQueue = `floor-${kind}`;
  const worker: ChildProcess = fork(path.join(__dirname, '../bench/floor/worker.ts'), [], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      FLOOR_TASK_QUEUE: taskQueue,
      ...(kind === 'credential' ? { FLOOR_PRODUCT: '1' } : {}),
    },
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  await new Promise((resolve) => worker.once('message', resolve));
  const pid = worker.pid as number;
  const prefix = `${kind}-${Date.now()}`;
  const start = async (id: string) => {
    if (kind === 'credential') {
      const input = newCredentialInput({
        credentialNumber: id,
        certifiedOn: '2026-01-10',
        versions: [NASM_CPT],
      });
      await client.workflow.start('credential', { ...startOptions(input, Date.now()), taskQueue });
    } else {
      await client.workflow.start(kind, { workflowId: id, taskQueue, args: [] });
    }
  };
  const signal = async (id: string, i: number) => {
    if (kind === 'credential') {
      await client.workflow.getHandle(credentialWorkflowId(id)).signal(reportCeuCompletion, {
        provider: 'acme',
        completionId: `c-${i}`,
        course: 'Anatomy',
        units: 50,
        completedOn: '2026-03-01',
        approved: true,
        reportedBy: { kind: 'service', id: 'floor' },
        receivedAt: new Date().toISOString(),
      });
    } else {
      await client.workflow.getHandle(id).signal('fact', { id: `f-${i}` });
    }
  };
  for (let i = 0; i < 5; i += 1) await start(`${prefix}-warm-${i}`);
  const c0 = await idle(pid);
  const r0 = (await rssOf(pid)) ?? 0;
  await inParallel(starts, 8, (i) => start(`${prefix}-${i}`));
  const c1 = await idle(pid);
  const r1 = (await rssOf(pid)) ?? 0;
  await inParallel(signals, 8, (i) => signal(`${prefix}-${i % starts}`, i));
  const c2 = await idle(pid);
  await stopChild(worker);
  return {
    kind,
    cpuMsPerStart: (c1 - c0) / starts,
    cpuMsPerSignal: (c2 - c1) / signals,
    rssMiBPerWorkflow: (r1 - r0) / starts / 2 ** 20,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { starts: { type: 'string', default: '100' }, signals: { type: 'string', default: '200' } },
  });
  const [starts, signals] = [Number(values.starts), Number(values.signals)];
  const cli = temporalCliPath();
  if (!cli) throw new Error('Temporal CLI not found: run `npm run setup`');
  const dir = await mkdtemp(path.join(tmpdir(), 'recertify-floor-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const server = startChild(
    'temporal',
    cli,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(ports[0]),
      '--http-port',
      String(ports[1]),
    ].concat(['--metrics-port', String(ports[2]), '--headless', '--log-level', 'error']),
    { env: process.env, logDir: dir },
  );
  const address = `127.0.0.1:${ports[0]}`;
  try {
    let connection: Connection | undefined;
    await waitUntil(
      'Temporal dev server',
      async () => {
        connection = await Connection.connect({ address, connectTimeout: 1000 });
        await registerSearchAttributes(connection, 'default');
        return true;
      },
      60_000,
      300,
    );
    const client = new Client({ connection: connection as Connection });
    console.log('workflow          | worker CPU per start | per signal | RSS per workflow');
    for (const kind of KINDS) {
      const r = await measure(client, address, kind, starts, signals);
      console.log(
        `${r.kind.padEnd(17)} | ${r.cpuMsPerStart.toFixed(1)} ms | ${r.cpuMsPerSignal.toFixed(1)} ms | ` +
          `${r.rssMiBPerWorkflow.toFixed(2)} MiB`,
      );
    }
    await connection?.close();
  } finally {
    await stopChild(server.process);
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
