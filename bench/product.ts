import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { addDays, addYears, dateAt, type CalendarDate } from '../rules';
import { NASM_CPT } from '../rules/policies';
import { apply, at, reportCourse, reportCpr, sleepUntil, state } from '../test/workflows/helpers';

// Everything the bench knows about the product, in one place: the HTTP requests it sends (through
// the documented API only), which PostgreSQL row means "done", the import file, and the one
// renewal cycle whose history is counted. Adjust here when the API or the projection changes.

export type Role = 'service' | 'portal' | 'ops';
/** API key roles the bench creates (repository.createApiKey, as scripts/create-api-key.ts). */
export const ROLES: readonly Role[] = ['service', 'portal'];

export interface HttpCall {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly role: Role;
  readonly body?: unknown;
}

/** Today in the policy's zone: request dates must not be in its future. */
export const policyToday = (): CalendarDate => dateAt(Date.now(), NASM_CPT.timeZone);

export function enrolment(number: string, today: CalendarDate): HttpCall {
  return {
    method: 'POST',
    path: '/credentials',
    role: 'service',
    body: {
      credentialNumber: number,
      certificationDate: addDays(today, -10),
      holder: { name: 'Bench Holder', email: `${number.toLowerCase()}@bench.invalid` },
    },
  };
}

export function ceuReport(number: string, completionId: string, today: CalendarDate): HttpCall {
  return {
    method: 'POST',
    path: `/credentials/${encodeURIComponent(number)}/ceu-completions`,
    role: 'service',
    body: {
      provider: 'bench',
      completionId,
      course: 'Bench course',
      units: '0.10',
      completedOn: today,
      approved: true,
    },
  };
}

export function credentialRead(number: string): HttpCall {
  return { method: 'GET', path: `/credentials/${encodeURIComponent(number)}`, role: 'portal' };
}

/**
 * How many record rows a credential's GET answer lists (its CEU records, CPR/AED cards, petitions, …,
 * audit documents included): rows of that credential that any answer listing them must read.
 */
export function recordRowsIn(answer: unknown): number {
  const { records } = answer as { records: Record<string, unknown> };
  let rows = 0;
  for (const [name, value] of Object.entries(records)) {
    if (name === 'credential' || !Array.isArray(value)) continue;
    rows += value.length;
    for (const item of value as { documents?: unknown[] }[]) rows += item.documents?.length ?? 0;
  }
  return rows;
}

/** Which answers count as success (anything else is an error, printed with its body). */
export const succeeded = (call: HttpCall, status: number): boolean =>
  call.method === 'GET' ? status === 200 : status === 200 || status === 201 || status === 202;

/**
 * "Done" end to end: a row inserted into `table`; `key` is the column (read from the new row)
 * that matches the bench's key (credential number, CEU completion id).
 */
export const DONE_ROWS = {
  enrolled: { table: 'credentials', key: 'number' },
  ceu: { table: 'ceu_records', key: 'completion_id' },
} as const;
export type DoneKind = keyof typeof DONE_ROWS;

/** `npm run import` (scripts/import.ts) on a CSV of credentials certified 10..709 days ago. */
export const IMPORT_ENTRY = 'scripts/import.ts';
export const importArgs = (file: string, concurrency: number): string[] => [
  file,
  '--concurrency',
  String(concurrency),
  '--json',
];

export function importCsv(numbers: readonly string[], today: CalendarDate): string {
  const lines = ['credentialNumber,certificationDate,holderName,holderEmail,ceusEarned'];
  numbers.forEach((number, i) => {
    const certified = addDays(today, -(10 + (i % 700)));
    const ceus = ((i % 150) / 100).toFixed(2);
    lines.push(`${number},${certified},Bench Holder,${number.toLowerCase()}@bench.invalid,${ceus}`);
  });
  return lines.join('\n') + '\n';
}

/** rows/s and counts from `--json` output; null fields when the summary is not understood. */
export function parseImportSummary(stdout: string): {
  rowsPerSecond: number | null;
  started: number | null;
  failed: number | null;
} {
  try {
    const start = stdout.indexOf('{');
    const summary = JSON.parse(stdout.slice(start)) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' ? v : null);
    return {
      rowsPerSecond: num(summary.rowsPerSecond),
      started: num(summary.started),
      failed: num(summary.failed),
    };
  } catch {
    return { rowsPerSecond: null, started: null, failed: null };
  }
}

/** Signals one cycle sends (20 course completions + 1 CPR/AED), before its one update (the application). */
export const CYCLE_SIGNALS = 21;

/**
 * One renewal cycle on the time-skipping server: 20 course completions a month apart, a CPR/AED
 * certification, then an on-time application (renewal: continue-as-new). Same shape as the
 * 'renewal-20-ceus' replay fixture (test/workflows/record-histories.ts).
 */
export async function driveCycle(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  cycleStart: CalendarDate,
): Promise<void> {
  for (let i = 0; i < 20; i += 1) {
    const day = addDays(cycleStart, 30 * i + 1);
    await sleepUntil(env, at(day));
    await reportCourse(handle, 10, day);
  }
  await reportCpr(handle, addDays(cycleStart, 30 * 19 + 1));
  await apply(handle, 9900);
}

/** The start of the run's cycle, from the workflow's view (else E + 1 day of the previous one). */
export async function cycleStartOf(
  handle: WorkflowHandle,
  previousStart: CalendarDate,
): Promise<CalendarDate> {
  const view = (await state(handle)) as { dates?: { start?: CalendarDate } };
  return view.dates?.start ?? addDays(addYears(previousStart, 2), 1);
}
