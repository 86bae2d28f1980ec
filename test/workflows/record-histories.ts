/**
 * Records the histories of representative runs as replay fixtures (test/workflows/histories/*.json).
 * Run after an intended, versioned change of the workflow: `npx tsx test/workflows/record-histories.ts`.
 * Not a test: fixtures are re-recorded on purpose only, never as a side effect of running tests.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToFixture } from './history-fixtures';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { addDays, addYears, startOfDay } from '../../rules';
import {
  decideAudit,
  decidePetition,
  filePetition,
  revoke,
  submitAuditDocuments,
} from '../../workflows/contract';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  HOLDER,
  MockActivities,
  OPS,
  TZ,
  apply,
  at,
  reportCourse,
  reportCpr,
  sleepUntil,
  startCredential,
  today,
  unique,
} from './helpers';
import { createWorker } from './helpers';

const directory = process.env.HISTORIES_DIR ?? join(__dirname, 'histories');
/**
 * Fixtures of the versioned engine started with `recordsBySink` in their input are `v4-<name>.json`;
 * those of its runs that asked the by-sink patch (`v3-`), that recorded by local activity (`v2-`) and
 * the first release's stay as they were.
 */
const prefix = process.env.HISTORIES_PREFIX ?? 'v4-';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  const record = async (
    name: string,
    draws: number[],
    run: (queue: string, mocks: MockActivities) => Promise<[WorkflowHandle, string]>,
  ) => {
    const queue = unique(name);
    const mocks = new MockActivities(draws);
    const worker = await createWorker(env, bundle, queue, mocks);
    const [handle, runId] = await worker.runUntil(run(queue, mocks));
    // The first run only: a renewal's history ends with continue-as-new.
    const json = historyToFixture(
      await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory(),
    );
    writeFileSync(join(directory, `${prefix}${name}.json`), json + '\n');
    const events = (JSON.parse(json) as { events: { eventType: string }[] }).events;
    const byType = new Map<string, number>();
    for (const e of events) byType.set(e.eventType, (byType.get(e.eventType) ?? 0) + 1);
    console.log(`${prefix}${name}: ${events.length} events`, Object.fromEntries(byType));
  };
  try {
    // A full cycle: 20 completions reported, CPR/AED, an on-time application, renewal (continue-as-new).
    await record('renewal-20-ceus', [9999], async (queue) => {
      const certified = await today(env);
      const handle = await startCredential(env, queue, certified);
      // The run that renews (describe after the application may already see the next one).
      const { runId } = await handle.describe();
      for (let i = 0; i < 20; i += 1) {
        await sleepUntil(env, at(addDays(certified, 30 * i + 1)));
        await reportCourse(handle, 10, addDays(certified, 30 * i + 1));
      }
      await reportCpr(handle, addDays(certified, 30 * 19 + 1));
      await apply(handle, 9900);
      await env.client.workflow
        .getHandle(handle.workflowId, runId)
        .result()
        .catch(() => undefined);
      return [handle, runId] as [WorkflowHandle, string];
    });

    // Audit selected, no documents in 30 days (fails), then nothing more: lapses.
    await record('audit-no-documents-lapse', [0], async (queue) => {
      const certified = await today(env);
      const handle = await startCredential(env, queue, certified);
      await reportCourse(handle, 190, certified);
      await reportCpr(handle, certified);
      await sleepUntil(env, at(addDays(certified, 10)));
      await apply(handle, 9900);
      const { runId } = await handle.describe();
      await handle.result();
      return [handle, runId] as [WorkflowHandle, string];
    });

    // Petitions, an audit with documents under review, then revocation.
    await record('petitions-audit-revoke', [0], async (queue) => {
      const certified = await today(env);
      const handle = await startCredential(env, queue, certified);
      await sleepUntil(env, at(addDays(certified, 5)));
      const args = {
        course: 'Workshop',
        requestedUnits: 190,
        completedOn: certified,
        amountPaid: 2500,
        filedBy: HOLDER,
      };
      const first = await handle.executeUpdate(filePetition, { args: [{ ...args, paymentReference: 'p1' }] });
      const second = await handle.executeUpdate(filePetition, {
        args: [{ ...args, paymentReference: 'p2' }],
      });
      await handle.executeUpdate(decidePetition, {
        args: [{ petitionId: first.petitionId, decision: 'approved', decidedBy: OPS }],
      });
      await handle.executeUpdate(decidePetition, {
        args: [
          { petitionId: second.petitionId, decision: 'denied', reason: 'Duplicate course', decidedBy: OPS },
        ],
      });
      await reportCpr(handle, certified);
      await apply(handle, 9900);
      const documents = [{ reference: 'doc://1', description: 'certificate' }];
      await handle.executeUpdate(submitAuditDocuments, { args: [{ documents, submittedBy: HOLDER }] });
      await sleepUntil(env, startOfDay(addYears(certified, 1), TZ));
      await handle.executeUpdate(decideAudit, {
        args: [{ outcome: 'failed', reason: 'Forged', decidedBy: OPS }],
      });
      await handle.executeUpdate(revoke, { args: [{ reason: 'Forged documents', revokedBy: OPS }] });
      const { runId } = await handle.describe();
      await handle.result();
      return [handle, runId] as [WorkflowHandle, string];
    });

    // PostgreSQL refuses one batch: the worker hands it back, the run records by activities from
    // then on; then revoked (the run closes).
    await record('hand-back-revoke', [], async (queue, mocks) => {
      const certified = await today(env);
      const handle = await startCredential(env, queue, certified);
      await reportCourse(handle, 10, certified);
      await waitFor(() => mocks.events.length === 2);
      mocks.failures = 1;
      await reportCourse(handle, 20, certified);
      await waitFor(() => mocks.events.length === 3 && mocks.failures === 0);
      await reportCourse(handle, 30, certified);
      await waitFor(() => mocks.events.length === 4);
      await handle.executeUpdate(revoke, { args: [{ reason: 'Forged documents', revokedBy: OPS }] });
      const { runId } = await handle.describe();
      await handle.result();
      return [handle, runId] as [WorkflowHandle, string];
    });
  } finally {
    await env.teardown();
  }
}

async function waitFor(ready: () => boolean): Promise<void> {
  for (let waited = 0; !ready(); waited += 50) {
    if (waited > 10_000) throw new Error('The run did not record in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
