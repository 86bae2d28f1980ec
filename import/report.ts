import type { ImportSummary, RowProblem } from './types';

/** One line per issue: `line 12 (CPT-1012) invalid: certificationDate: use a real calendar date …`. */
export function formatProblem(problem: RowProblem): string[] {
  const who = problem.credentialNumber ? ` (${problem.credentialNumber})` : '';
  return problem.issues.map(
    (issue) =>
      `line ${problem.line}${who} ${problem.outcome}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`,
  );
}

/** The summary a person reads at the end of `npm run import`. */
export function formatSummary(summary: ImportSummary, source: string): string {
  const counts: [string, number][] = [
    ['started', summary.started],
    ['already enrolled', summary.alreadyEnrolled],
    ['invalid', summary.invalid],
    ['conflicts', summary.conflicts],
    ['failed', summary.failed],
  ];
  const width = Math.max(...counts.map(([, n]) => String(n).length));
  return [
    ...summary.problems.flatMap(formatProblem),
    `${source} (${summary.format}): ${summary.rows} rows in ${(summary.elapsedMs / 1000).toFixed(1)} s ` +
      `(${summary.rowsPerSecond} rows/s)`,
    ...counts.map(([label, n]) => `  ${label.padEnd(17)}${String(n).padStart(width)}`),
  ].join('\n');
}
