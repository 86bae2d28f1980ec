import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { createDb, type Db } from '../../db/client';
import { createRepository } from '../../db/repository';
import type { Repository } from '../../db/types';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import { createWorker } from '../../worker/create-worker';
import { credentialWorkflowId } from '../../workflows/contract';
import { eventually, httpClient, type HttpClient } from '../support/http';
import { bundleWorkflows, startDevServer } from '../support/temporal';

// A process killed at the wrong moment: the worker dies right after PostgreSQL committed the batch
// its recording sink was writing, before the workflow task that produced it completes. Temporal
// gives the task to another worker once it times out; that worker runs it again and writes the same
// batch, which changes nothing (each event by its key). Every layer is real but the kill's timing
// (test/support/crash-after-write-worker.ts).

const ROOT = path.resolve(__dirname, '..', '..');
const TASK_QUEUE = 'worker-crash';
const NUMBER = 'CRASH-1';
const today = dateAt(Date.now(), NASM_CPT.timeZone);

function startCrashingWorker(env: TestWorkflowEnvironment): { child: ChildProcess; ready: Promise<void> } {
  // node itself, not the tsx binary: killed, it is the process the test watches (tsx would wrap it).
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/crash-after-write-worker.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      CRASH_AFTER_TYPE: 'ceu_completion_reported',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
  });
  return { child, ready };
}

describe("a worker killed between its recording sink's write and the completion of its task (dev server, PostgreSQL)", () => {
  let env: TestWorkflowEnvironment;
  let db: Db;
  let repository: Repository;
  let server: Server;
  let call: HttpClient;
  let token: string;
  let second: Worker | undefined;
  let running: Promise<void> | undefined;

  beforeAll(async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
    env = await startDevServer();
    db = createDb(url);
    repository = createRepository(db);
    const app = createApp({ client: env.client, repository, taskQueue: TASK_QUEUE });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    call = httpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    token = (await repository.createApiKey('service', 'worker crash')).token;
  });

  afterAll(async () => {
    second?.shutdown();
    await running;
    await new Promise((resolve) => server?.close(resolve));
    await repository?.close();
    await env?.teardown();
  });

  const report = (completionId: string, units: string) =>
    call('POST', `/credentials/${NUMBER}/ceu-completions`, {
      token,
      body: {
        provider: 'acme-ce',
        completionId,
        course: `Course ${completionId}`,
        units,
        completedOn: addDays(today, -10),
        approved: true,
      },
    });
  const events = () =>
    db.credentialEvent.findMany({ where: { credentialNumber: NUMBER }, orderBy: { id: 'asc' } });

  it('when the worker dies right after PostgreSQL committed a fact, then another worker runs the task again, writes nothing twice, and the credential goes on', async () => {
    const first = startCrashingWorker(env);
    await first.ready;
    const died = new Promise<NodeJS.Signals | null>((resolve) =>
      first.child.once('exit', (_code, signal) => resolve(signal)),
    );
    const enrolled = await call('POST', '/credentials', {
      token,
      body: {
        credentialNumber: NUMBER,
        certificationDate: addDays(addYears(today, -1), 0),
        holder: { name: 'Crash Tester', email: 'crash.tester@example.test' },
      },
    });
    expect(enrolled.status).toBe(202);
    await eventually(async () => (await events()).length === 1, 30_000, 'cycle_started recorded');

    expect((await report('C-1', '0.50')).status).toBe(202);
    expect(await died).toBe('SIGKILL');
    // The fact is in PostgreSQL, and the task that produced it never completed.
    expect((await events()).map((e) => e.type)).toEqual(['cycle_started', 'ceu_completion_reported']);
    const handle = env.client.workflow.getHandle(credentialWorkflowId(NUMBER));
    const before = (await handle.fetchHistory()).events ?? [];
    expect(before.at(-1)?.workflowTaskStartedEventAttributes).toBeTruthy();

    second = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      workflowBundle: await bundleWorkflows(),
      repository,
    });
    running = second.run();
    expect((await report('C-2', '0.30')).status).toBe(202);
    await eventually(async () => (await events()).length === 3, 60_000, 'the second fact recorded');

    const recorded = await events();
    expect(recorded.map((e) => e.type)).toEqual([
      'cycle_started',
      'ceu_completion_reported',
      'ceu_completion_reported',
    ]);
    expect(await db.ceuRecord.count({ where: { credentialNumber: NUMBER } })).toBe(2);
    expect((await db.credential.findUnique({ where: { number: NUMBER } }))?.ceusEarned).toBe(80);
    const after = (await handle.fetchHistory()).events ?? [];
    expect(after.some((e) => e.workflowTaskTimedOutEventAttributes)).toBe(true);
    expect(await db.deadLetterEvent.count({ where: { credentialNumber: NUMBER } })).toBe(0);
  });
});
