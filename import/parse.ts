import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { csvRecords } from './csv';
import { CSV_COLUMNS, REQUIRED_COLUMNS } from './row-schema';

export type ImportFormat = 'csv' | 'ndjson';

/** The file: all of it (`POST /imports`), or its text as it is read (the CLI streams the file). */
export type ImportSource = string | AsyncIterable<string>;

/** One row of the file before validation: its fields, or why it could not be read at all. */
export type RawRow =
  | { readonly line: number; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly line: number; readonly unreadable: string };

/** The file as a whole cannot be imported (no row is tried). */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}

const BY_EXTENSION: Readonly<Record<string, ImportFormat>> = {
  csv: 'csv',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
};

/** By extension when there is one we know, else by content: NDJSON lines start with `{`. */
export function detectFormat(text: string, fileName?: string): ImportFormat {
  return formatFromName(fileName) ?? (/^[\s\uFEFF]*\{/.test(text) ? 'ndjson' : 'csv');
}

function formatFromName(fileName = ''): ImportFormat | undefined {
  const extension = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : BY_EXTENSION[extension];
}

async function* chunksOf(source: ImportSource): AsyncGenerator<string> {
  if (typeof source === 'string') yield source;
  else yield* source;
}

/**
 * The file's format and its rows, read as they are needed. The format comes from the name, else
 * from the first text that is not white space (only that much is read ahead).
 */
export async function openRows(
  source: ImportSource,
  fileName?: string,
): Promise<{ format: ImportFormat; rows: AsyncGenerator<RawRow> }> {
  const chunks = chunksOf(source);
  const head: string[] = [];
  let format = formatFromName(fileName);
  while (format === undefined) {
    const next = await chunks.next();
    if (!next.done) head.push(next.value);
    if (next.done || /[^\s\uFEFF]/.test(next.value)) format = detectFormat(head.join(''));
  }
  async function* text(): AsyncGenerator<string> {
    yield* head;
    yield* chunks;
  }
  return { format, rows: format === 'csv' ? csvRows(text()) : ndjsonRows(text()) };
}

async function* ndjsonRows(text: AsyncIterable<string>): AsyncGenerator<RawRow> {
  const lines = createInterface({ input: Readable.from(text), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line += 1;
    const source = raw.trim();
    if (source === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch {
      // Not the parser's message: it quotes the line, which may hold a holder's name or e-mail.
      yield { line, unreadable: 'not valid JSON: each line must be one JSON object' };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, unreadable: 'each line must be one JSON object' };
      continue;
    }
    yield { line, fields: value as Record<string, unknown> };
  }
}

async function* csvRows(text: AsyncIterable<string>): AsyncGenerator<RawRow> {
  const records = csvRecords(text);
  const first = await records.next();
  if (first.done)
    throw new ImportFileError('The file is empty: expected a header line, then one row per credential.');
  if ('unreadable' in first.value) {
    throw new ImportFileError(
      `The CSV header on line ${first.value.line} cannot be read: ${first.value.unreadable}.`,
    );
  }
  const header = first.value.cells.map((cell) => cell.trim());
  checkHeader(header, first.value.line);
  for await (const record of records) {
    const { line, lastLine } = record;
    if ('unreadable' in record) {
      yield { line, unreadable: record.unreadable };
      continue;
    }
    const { cells } = record;
    if (cells.length !== header.length) {
      // A quoted cell that runs over several lines is the usual cause: name them.
      const span =
        lastLine > line
          ? ` in lines ${line}–${lastLine} (a quoted cell runs over several lines: check its quotes)`
          : '';
      yield {
        line,
        unreadable: `expected ${header.length} cells (one per column), found ${cells.length}${span}`,
      };
      continue;
    }
    // An empty cell is an absent field, so the field's default applies.
    const fields: Record<string, string> = {};
    header.forEach((column, i) => {
      const cell = cells[i]?.trim() ?? '';
      if (cell !== '') fields[column] = cell;
    });
    yield { line, fields };
  }
}

/** A misspelt or missing column would fail every row the same way: refuse the file once instead. */
function checkHeader(header: readonly string[], line: number): void {
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
      `The CSV header on line ${line} has ${problems.join('; ')}. Known columns: ${CSV_COLUMNS.join(', ')}.`,
    );
  }
}
