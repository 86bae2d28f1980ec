import { performance } from 'node:perf_hooks';
import type { CredentialWorkflows } from '../api/credential-workflows';
import { AppError } from '../api/errors';
import type { Repository } from '../db/types';
import { type ImportSource, openRows } from './parse';
import { forEachBounded } from './pool';
import type { ImportProgress, ImportSummary, RowProblem } from './types';
import { validateRows, type ValidRow } from './validate';

// The import, whoever asks for it (`npm run import`, `POST /imports`): parse, validate every row,
// enrol the valid ones a bounded number at a time, and account for every row.

export const DEFAULT_CONCURRENCY = 16;

export interface ImportDeps {
  readonly workflows: Pick<CredentialWorkflows, 'enrol'>;
  readonly repository: Pick<Repository, 'saveHolder'>;
  readonly taskQueue: string;
  /** "Today" for the date checks, in each row's policy time zone. */
  readonly now: () => number;
}

export interface ImportOptions {
  /** Enrolments in flight at once (default 16). */
  readonly concurrency?: number;
  /** Its extension (.csv, .ndjson, .jsonl) picks the format; otherwise the content does. */
  readonly fileName?: string;
  readonly onProgress?: (progress: ImportProgress) => void;
}

type Outcome = 'started' | 'already_enrolled' | RowProblem;

function failed(row: ValidRow, what: string, err: unknown): RowProblem {
  // AppErrors are written for people; other errors stay out of the report (they may quote data).
  const reason =
    err instanceof AppError ? err.message : `${(err as Error)?.name ?? 'error'} (see the service logs)`;
  return {
    line: row.line,
    credentialNumber: row.input.credentialNumber,
    outcome: 'failed',
    issues: [{ message: `${what}: ${reason}; a re-run retries this row` }],
  };
}

/** Starts the workflow, then stores the holder (not on a conflict: that holder belongs to another enrolment). */
async function enrolRow(row: ValidRow, deps: ImportDeps): Promise<Outcome> {
  let outcome: Awaited<ReturnType<ImportDeps['workflows']['enrol']>>;
  try {
    outcome = await deps.workflows.enrol(row.input, deps.taskQueue);
  } catch (err) {
    return failed(row, 'starting the workflow failed', err);
  }
  if (outcome.outcome === 'conflict') {
    const { certifiedOn, policyId } = outcome.existing;
    return {
      line: row.line,
      credentialNumber: row.input.credentialNumber,
      outcome: 'conflict',
      issues: [
        {
          field: 'certificationDate',
          message: `${row.input.credentialNumber} is already enrolled with certification date ${certifiedOn} and policy ${policyId}`,
        },
      ],
    };
  }
  try {
    // Also when already enrolled: heals a run that stopped between the start and this write.
    await deps.repository.saveHolder(row.input.credentialNumber, row.holder);
  } catch (err) {
    return failed(row, 'storing the holder failed', err);
  }
  return outcome.outcome;
}

/**
 * Reads and validates every row first (so progress knows the total, and a bad header stops the
 * file before anything starts), then enrols the valid ones.
 */
export async function runImport(
  source: ImportSource,
  deps: ImportDeps,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const began = performance.now();
  const { format, rows } = await openRows(source, options.fileName);
  const { valid, problems, count: rowCount } = await validateRows(rows, deps.now());
  const counts = { started: 0, alreadyEnrolled: 0, failed: 0, done: 0 };
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));

  await forEachBounded(valid, concurrency, async (row) => {
    const outcome = await enrolRow(row, deps);
    if (outcome === 'started') counts.started += 1;
    else if (outcome === 'already_enrolled') counts.alreadyEnrolled += 1;
    else {
      problems.push(outcome);
      if (outcome.outcome === 'failed') counts.failed += 1;
    }
    counts.done += 1;
    options.onProgress?.({
      done: counts.done,
      total: valid.length,
      started: counts.started,
      alreadyEnrolled: counts.alreadyEnrolled,
      failed: counts.failed,
      elapsedMs: performance.now() - began,
    });
  });

  const elapsedMs = Math.round(performance.now() - began);
  const count = (outcome: RowProblem['outcome']) => problems.filter((p) => p.outcome === outcome).length;
  return {
    format,
    rows: rowCount,
    started: counts.started,
    alreadyEnrolled: counts.alreadyEnrolled,
    invalid: count('invalid'),
    conflicts: count('conflict'),
    failed: counts.failed,
    elapsedMs,
    rowsPerSecond: elapsedMs > 0 ? Math.round((rowCount * 10_000) / elapsedMs) / 10 : rowCount,
    problems: problems.sort((a, b) => a.line - b.line),
  };
}
