import { csvRecords } from './csv';
import { CSV_COLUMNS, REQUIRED_COLUMNS } from './row-schema';

export type ImportFormat = 'csv' | 'ndjson';

/** One row of the file before validation: its fields, or why it could not be read at all. */
export type RawRow =
  | { readonly line: number; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly line: number; readonly unreadable: string };

/** The file as a whole cannot be imported (no row is tried). */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}

/** By extension when there is one we know, else by content: NDJSON lines start with `{`. */
export function detectFormat(text: string, fileName?: string): ImportFormat {
  const extension = /\.([a-z]+)$/i.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (extension === 'csv') return 'csv';
  if (extension === 'ndjson' || extension === 'jsonl') return 'ndjson';
  return text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'ndjson'
    : 'csv';
}

export function parseRows(text: string, format: ImportFormat): RawRow[] {
  return format === 'csv' ? parseCsv(text) : parseNdjson(text);
}

function parseNdjson(text: string): RawRow[] {
  const rows: RawRow[] = [];
  text.split('\n').forEach((raw, index) => {
    const source = raw.trim();
    if (source === '') return;
    const line = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch {
      // Not the parser's message: it quotes the line, which may hold a holder's name or e-mail.
      rows.push({ line, unreadable: 'not valid JSON: each line must be one JSON object' });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      rows.push({ line, unreadable: 'each line must be one JSON object' });
      return;
    }
    rows.push({ line, fields: value as Record<string, unknown> });
  });
  return rows;
}

function parseCsv(text: string): RawRow[] {
  const records = csvRecords(text);
  const first = records.next();
  if (first.done)
    throw new ImportFileError('The file is empty: expected a header line, then one row per credential.');
  const header = first.value.cells.map((cell) => cell.trim());
  checkHeader(header);
  const rows: RawRow[] = [];
  for (const { line, cells } of records) {
    if (cells.length !== header.length) {
      rows.push({
        line,
        unreadable: `expected ${header.length} cells (one per column), found ${cells.length}`,
      });
      continue;
    }
    // An empty cell is an absent field, so the field's default applies.
    const fields: Record<string, string> = {};
    header.forEach((column, i) => {
      const cell = cells[i]?.trim() ?? '';
      if (cell !== '') fields[column] = cell;
    });
    rows.push({ line, fields });
  }
  return rows;
}

/** A misspelt or missing column would fail every row the same way: refuse the file once instead. */
function checkHeader(header: readonly string[]): void {
  const known = new Set<string>(CSV_COLUMNS);
  const unknown = header.filter((column) => !known.has(column));
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  const repeated = header.filter((column, i) => header.indexOf(column) !== i);
  const problems = [
    ...(unknown.length > 0 ? [`unknown column(s) ${unknown.map((c) => JSON.stringify(c)).join(', ')}`] : []),
    ...(missing.length > 0 ? [`missing column(s) ${missing.join(', ')}`] : []),
    ...(repeated.length > 0 ? [`repeated column(s) ${repeated.join(', ')}`] : []),
  ];
  if (problems.length > 0) {
    throw new ImportFileError(
      `The CSV header on line 1 has ${problems.join('; ')}. Known columns: ${CSV_COLUMNS.join(', ')}.`,
    );
  }
}
