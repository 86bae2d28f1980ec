import { pipeline, Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';

/** One CSV record, `line` to `lastLine` of the file (1-based; a quoted cell may span lines). */
export type CsvRecord =
  | { readonly line: number; readonly lastLine: number; readonly cells: readonly string[] }
  /** What follows could not be read as records: why, for a person (no cell content). */
  | { readonly line: number; readonly lastLine: number; readonly unreadable: string };

// A lone CR counts as a line break, as in most editors; CRLF counts once.
const LINE_BREAK = /\r\n|\r|\n/g;
const lineBreaks = (text: string): number => text.match(LINE_BREAK)?.length ?? 0;

/**
 * RFC 4180 CSV through csv-parse, streamed: a BOM is dropped, LF and CRLF end records, a quoted
 * cell may span lines, a stray quote inside an unquoted cell is kept as text. Blank lines are
 * skipped but counted, so every record keeps the line numbers a person sees in an editor.
 * (csv-parse's own `info.lines` counts a CRLF inside a quoted cell twice: lines are counted here.)
 */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  /** Records csv-parse could not read, and how many records it had emitted before each. */
  const skipped: { after: number; err: CsvError | undefined; raw: string }[] = [];
  const parser = parse({
    bom: true,
    // Explicit, so a file mixing CRLF and LF is read line by line (auto-detection takes the first).
    record_delimiter: ['\r\n', '\n'],
    relax_quotes: true,
    // The caller reports a wrong number of cells per row; csv-parse would stop the file.
    relax_column_count: true,
    // Blank lines come through as [''] so that they are counted.
    skip_empty_lines: false,
    // An error would end the stream and lose the records read ahead of it: report it instead. With
    // the options above the only one is a quote never closed (the rest of the file is one cell).
    skip_records_with_error: true,
    // For the span of such a record.
    raw: true,
    on_skip: (err, raw) => {
      skipped.push({ after: parser.info.records, err, raw: raw ?? '' });
      return undefined;
    },
  });
  // pipeline, not pipe: a read error (or an early stop) must reach the parser, or the loop below waits forever.
  pipeline(Readable.from(chunks), parser, () => undefined);

  let line = 1;
  let emitted = 0;
  function* unreadableHere(): Generator<CsvRecord> {
    while (skipped[0]?.after === emitted) {
      const { err, raw } = skipped.shift()!;
      const lastLine = line + lineBreaks(raw.replace(/(\r\n|\r|\n)$/, ''));
      yield { line, lastLine, unreadable: describe(err, line, lastLine) };
      line = lastLine + 1;
    }
  }
  try {
    for await (const { record: cells } of parser as AsyncIterable<{ record: string[] }>) {
      yield* unreadableHere();
      emitted += 1;
      const lastLine = line + cells.reduce((n, cell) => n + lineBreaks(cell), 0);
      const blank = cells.length === 1 && cells[0]?.trim() === '';
      if (!blank) yield { line, lastLine, cells };
      line = lastLine + 1;
    }
    yield* unreadableHere();
  } finally {
    parser.destroy();
  }
}

function describe(err: CsvError | undefined, line: number, lastLine: number): string {
  const span = lastLine > line ? `lines ${line}–${lastLine}` : `line ${line}`;
  return err?.code === 'CSV_QUOTE_NOT_CLOSED'
    ? `a quote opened in this row is never closed, so ${span}${lastLine > line ? ' (the rest of the file)' : ''} ` +
        'could not be read: close the quote, or write a quote that belongs in a cell as two ("")'
    : // Its code only: csv-parse's messages may quote the cell.
      `${span} could not be read as CSV (${err?.code ?? 'unknown error'})`;
}
