import { z } from 'zod';
import type { RawRow } from './parse';
import { ImportRowFields } from './row-schema';
import { type ImportedCredential, toImportedCredential } from './row-rules';
import type { RowProblem } from './types';

/** A row ready to enrol, with the line it came from. */
export interface ValidRow extends ImportedCredential {
  readonly line: number;
}

/** The shared row schema: field rules, then the cross-field rules as of `now`. */
export function importRowSchema(now: number) {
  return ImportRowFields.transform((row, ctx) => toImportedCredential(row, now, ctx) ?? z.NEVER);
}

// Zod says "expected string, received undefined" for a missing field; say what a person means.
const requiredMessage = (issue: { code?: string; input?: unknown }) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;

/**
 * Every row checked as it is read, none skipped: the valid ones, each invalid one's line and every
 * reason, and how many rows there were.
 */
export async function validateRows(
  rows: AsyncIterable<RawRow> | Iterable<RawRow>,
  now: number,
): Promise<{ valid: ValidRow[]; problems: RowProblem[]; count: number }> {
  const schema = importRowSchema(now);
  const firstLine = new Map<string, number>();
  const valid: ValidRow[] = [];
  const problems: RowProblem[] = [];
  let count = 0;
  for await (const row of rows) {
    count += 1;
    if ('unreadable' in row) {
      problems.push({
        line: row.line,
        credentialNumber: null,
        outcome: 'invalid',
        issues: [{ message: row.unreadable }],
      });
      continue;
    }
    const number =
      typeof row.fields.credentialNumber === 'string' ? row.fields.credentialNumber.trim() : null;
    const issues: { field?: string; message: string }[] = [];
    // Against every earlier row, valid or not: the file is ambiguous about this credential.
    const seenOn = number === null ? undefined : firstLine.get(number);
    if (seenOn !== undefined) {
      issues.push({
        field: 'credentialNumber',
        message: `duplicates line ${seenOn}: each credential is imported once`,
      });
    } else if (number !== null) firstLine.set(number, row.line);

    const result = schema.safeParse(row.fields, { error: requiredMessage });
    if (!result.success) {
      issues.push(
        ...result.error.issues.map((issue) =>
          issue.code === 'unrecognized_keys'
            ? { field: issue.keys.join(', '), message: 'is not a known field (check the spelling)' }
            : { ...(issue.path.length > 0 ? { field: issue.path.join('.') } : {}), message: issue.message },
        ),
      );
    }
    if (issues.length > 0 || !result.success) {
      problems.push({ line: row.line, credentialNumber: number, outcome: 'invalid', issues });
    } else valid.push({ line: row.line, ...result.data });
  }
  return { valid, problems, count };
}
