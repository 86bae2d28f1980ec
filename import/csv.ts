/** One CSV record: its cells and the file line it starts on (1-based). */
export interface CsvRecord {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * RFC 4180 CSV: comma-separated, `"` quotes a cell (`""` inside is one quote), a quoted cell may
 * span lines, LF or CRLF ends a record. Blank lines are skipped but still counted, so every record
 * keeps the line number a person sees in an editor.
 */
export function* csvRecords(text: string): Generator<CsvRecord> {
  let line = 1;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a BOM from spreadsheet exports
  while (pos < text.length) {
    const startLine = line;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    let ended = false;
    while (pos < text.length && !ended) {
      const ch = text[pos] as string;
      if (quoted) {
        if (ch === '"' && text[pos + 1] === '"') {
          cell += '"';
          pos += 2;
          continue;
        }
        if (ch === '"') quoted = false;
        else {
          if (ch === '\n') line += 1;
          cell += ch;
        }
        pos += 1;
        continue;
      }
      if (ch === '"' && cell === '') quoted = true;
      else if (ch === ',') {
        cells.push(cell);
        cell = '';
      } else if (ch === '\n') {
        line += 1;
        ended = true;
      } else if (ch !== '\r' || text[pos + 1] !== '\n') cell += ch;
      pos += 1;
    }
    cells.push(cell);
    const blank = cells.length === 1 && cells[0]?.trim() === '';
    if (!blank) yield { line: startLine, cells };
  }
}
