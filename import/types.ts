import type { ImportFormat } from './parse';

// What an import reports, to the CLI and to `POST /imports` alike. No personal data: rows are
// named by line and credential number, and messages never repeat a holder's name or e-mail.

export interface RowIssue {
  /** Dotted path of the field (`completions.0.units`), when one field is at fault. */
  readonly field?: string;
  readonly message: string;
}

export interface RowProblem {
  /** 1-based line of the file the row starts on. */
  readonly line: number;
  readonly credentialNumber: string | null;
  /**
   * invalid: fix the row. conflict: the number is enrolled with another certification date or
   * policy. failed: Temporal or the database did not answer; a re-run retries it.
   */
  readonly outcome: 'invalid' | 'conflict' | 'failed';
  readonly issues: readonly RowIssue[];
}

export interface ImportSummary {
  readonly format: ImportFormat;
  /** Rows in the file (header and blank lines excluded). */
  readonly rows: number;
  readonly started: number;
  readonly alreadyEnrolled: number;
  readonly invalid: number;
  readonly conflicts: number;
  readonly failed: number;
  readonly elapsedMs: number;
  readonly rowsPerSecond: number;
  /** Every row not started or already enrolled, in line order. */
  readonly problems: readonly RowProblem[];
}

export interface ImportProgress {
  /** Valid rows handled so far, of `total`. */
  readonly done: number;
  readonly total: number;
  readonly started: number;
  readonly alreadyEnrolled: number;
  readonly failed: number;
  readonly elapsedMs: number;
}
