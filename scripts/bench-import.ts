import { parseArgs } from 'node:util';
import { createCredentialWorkflows } from '../api/credential-workflows';
import { runImport } from '../import/run';
import { addDays, dateAt } from '../rules/calendar';
import { NASM_CPT } from '../rules/policies';
import '../test/support/quiet-temporal';
import { startStack } from '../test/support/stack';
import { provideFreshDatabase } from './lib/database';

// `npm run bench:import -- --rows 1000 --concurrency 16`: bulk-import throughput on this machine,
// every layer real (in-memory Temporal dev server, worker, PostgreSQL), the same harness as the
// integration tests. Prints rows/s for the first import and for an idempotent re-run, and memory.
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' } },
  });
  const rows = Number(values.rows);
  const concurrency = Number(values.concurrency);

  const database = await provideFreshDatabase('recertify_bench');
  process.env.DATABASE_URL = database.url;
  const stack = await startStack({ taskQueue: 'bench-import', auditDraw: () => 9_999 });
  try {
    const deps = {
      workflows: createCredentialWorkflows(stack.env.client, stack.repository, Date.now),
      repository: stack.repository,
      taskQueue: 'bench-import',
      now: Date.now,
    };
    const text = sampleCsv(rows);
    for (const pass of ['first import', 're-run']) {
      const summary = await runImport(text, deps, { concurrency, fileName: 'bench.csv' });
      console.log(
        `${pass}: ${summary.rows} rows, ${summary.started} started, ${summary.alreadyEnrolled} already enrolled, ` +
          `${summary.invalid + summary.failed} not imported, ${summary.elapsedMs} ms = ${summary.rowsPerSecond} rows/s`,
      );
    }
    const { rss, heapUsed } = process.memoryUsage();
    console.log(`memory (bench process, incl. worker): rss ${mb(rss)} MB, heap ${mb(heapUsed)} MB`);
  } finally {
    await stack.stop();
    await database.stop();
  }
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** Credentials mid-cycle: certified 10..709 days ago, some CEUs already earned. */
function sampleCsv(count: number): string {
  const today = dateAt(Date.now(), NASM_CPT.timeZone);
  const lines = ['credentialNumber,certificationDate,holderName,holderEmail,ceusEarned'];
  for (let i = 0; i < count; i += 1) {
    const certified = addDays(today, -(10 + (i % 700)));
    lines.push(`BENCH-${i},${certified},Holder ${i},holder${i}@example.com,${((i % 150) / 100).toFixed(2)}`);
  }
  return lines.join('\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
