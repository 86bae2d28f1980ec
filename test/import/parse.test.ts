import { Readable } from 'node:stream';
import { ImportFileError, openRows, type RawRow } from '../../import/parse';
import { validateRows } from '../../import/validate';

// Reading an import file (import/parse.ts over csv-parse): every row keeps the line a person sees
// in an editor, and nothing is dropped without a report. Each case runs on the whole text and on
// the text cut into small chunks, as the CLI streams a file.

const HEADER = 'credentialNumber,certificationDate,holderName,holderEmail';

/** The text as a stream of `size`-character chunks. */
function chunked(text: string, size: number): Readable {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return Readable.from(chunks);
}

async function rows(text: string, fileName = 'file.csv', chunkSize?: number): Promise<RawRow[]> {
  const { rows: read } = await openRows(chunkSize ? chunked(text, chunkSize) : text, fileName);
  const all: RawRow[] = [];
  for await (const row of read) all.push(row);
  return all;
}

/** The same rows, read whole and in chunks of 1, 3 and 64 characters. */
async function rowsEveryWay(text: string, fileName?: string): Promise<RawRow[]> {
  const whole = await rows(text, fileName);
  for (const size of [1, 3, 64]) expect(await rows(text, fileName, size)).toEqual(whole);
  return whole;
}

const row = (line: number, number: string, name = `Holder ${number}`) => ({
  line,
  fields: {
    credentialNumber: number,
    certificationDate: '2025-01-02',
    holderName: name,
    holderEmail: `${number.toLowerCase()}@example.com`,
  },
});
const csvLine = (number: string, name = `Holder ${number}`) =>
  `${number},2025-01-02,${name},${number.toLowerCase()}@example.com`;

describe('CSV rows', () => {
  it('when a quote is never closed, then the rows before it are read and the row is reported with the lines it swallowed', async () => {
    const text = [
      HEADER,
      csvLine('CPT-1'),
      'CPT-2,2025-01-02,"Lee, Sam,sam@example.com',
      csvLine('CPT-3'),
      csvLine('CPT-4'),
      csvLine('CPT-5'),
      '',
    ].join('\n');
    const read = await rowsEveryWay(text);
    expect(read).toEqual([
      row(2, 'CPT-1'),
      {
        line: 3,
        unreadable:
          'a quote opened in this row is never closed, so lines 3–6 (the rest of the file) could not be read: ' +
          'close the quote, or write a quote that belongs in a cell as two ("")',
      },
    ]);
    // Reported as an invalid row by its line, not silently dropped.
    const { valid, problems, count } = await validateRows(read, Date.parse('2026-01-01T12:00:00Z'));
    expect(valid.map((v) => v.line)).toEqual([2]);
    expect(count).toBe(2);
    expect(problems).toEqual([
      {
        line: 3,
        credentialNumber: null,
        outcome: 'invalid',
        issues: [{ message: expect.stringContaining('lines 3–6') as unknown }],
      },
    ]);
  });

  it('when the unclosed quote swallows a long tail, then every line of it is counted', async () => {
    // Longer than any buffer or record-size default of the parser.
    const tail = Array.from({ length: 5_000 }, (_, i) => csvLine(`CPT-${i + 10}`));
    const text = [HEADER, csvLine('CPT-1'), 'CPT-2,2025-01-02,"Lee,x@example.com', ...tail].join('\r\n');
    const read = await rows(text, 'file.csv', 1_000);
    expect(read).toEqual([
      row(2, 'CPT-1'),
      { line: 3, unreadable: expect.stringContaining('lines 3–5003 (the rest') },
    ]);
  });

  it('when the unclosed quote is on the last line, then only that line is named', async () => {
    const read = await rowsEveryWay(`${HEADER}\r\n${csvLine('CPT-1')}\r\nCPT-2,2025-01-02,"Kim\r\n`);
    expect(read[1]).toEqual({
      line: 3,
      unreadable: expect.stringMatching(/never closed, so line 3 could not/),
    });
  });

  it('when a quoted cell holds line breaks (LF or CRLF), then it is one cell and later rows keep their lines', async () => {
    for (const eol of ['\n', '\r\n']) {
      const text = [
        HEADER,
        `CPT-1,2025-01-02,"Lee,${eol}Sam${eol}Junior",cpt-1@example.com`,
        csvLine('CPT-2'),
        '',
      ].join(eol);
      expect(await rowsEveryWay(text)).toEqual([
        row(2, 'CPT-1', `Lee,${eol}Sam${eol}Junior`),
        row(5, 'CPT-2'),
      ]);
    }
  });

  it('when a multi-line row has the wrong number of cells, then the report names its lines', async () => {
    const text = [HEADER, `CPT-1,2025-01-02,"Lee`, `Sam",x@example.com,extra`, csvLine('CPT-2')].join('\n');
    expect(await rowsEveryWay(text)).toEqual([
      {
        line: 2,
        unreadable:
          'expected 4 cells (one per column), found 5 in lines 2–3 (a quoted cell runs over several lines: check its quotes)',
      },
      row(4, 'CPT-2'),
    ]);
  });

  it('when the file starts with a byte order mark, then the header is read without it', async () => {
    const text = `\uFEFF${HEADER}\n${csvLine('CPT-1')}\n`;
    expect(await rowsEveryWay(text)).toEqual([row(2, 'CPT-1')]);
    // Also when the format is sniffed from the content.
    expect(await rowsEveryWay(text, 'export')).toEqual([row(2, 'CPT-1')]);
    // And when every cell is quoted (the mark comes before the first quote).
    const quoted = (line: string) => line.replace(/[^,]+/g, (cell) => `"${cell}"`);
    expect(await rowsEveryWay(`\uFEFF${quoted(HEADER)}\r\n${quoted(csvLine('CPT-1'))}\r\n`)).toEqual([
      row(2, 'CPT-1'),
    ]);
  });

  it('when lines end in CRLF, then no cell keeps a CR and lines count as in an editor', async () => {
    const text = `${HEADER}\r\n${csvLine('CPT-1')}\r\n\r\n${csvLine('CPT-2')}\r\n`;
    expect(await rowsEveryWay(text)).toEqual([row(2, 'CPT-1'), row(4, 'CPT-2')]);
  });

  it('when LF and CRLF are mixed, then each line is its own row', async () => {
    const text = `${HEADER}\r\n${csvLine('CPT-1')}\n${csvLine('CPT-2')}\r\n${csvLine('CPT-3')}`;
    expect(await rowsEveryWay(text)).toEqual([row(2, 'CPT-1'), row(3, 'CPT-2'), row(4, 'CPT-3')]);
  });

  it('when the file ends with empty or blank lines, then they are not rows', async () => {
    const text = `${HEADER}\n${csvLine('CPT-1')}\n\n   \n\n`;
    expect(await rowsEveryWay(text)).toEqual([row(2, 'CPT-1')]);
    expect(await rowsEveryWay(`${HEADER}\n${csvLine('CPT-1')}`)).toEqual([row(2, 'CPT-1')]);
  });

  it('when a cell has stray quotes, then they are kept as text and later rows are read', async () => {
    const text = [
      HEADER,
      csvLine('CPT-1', 'Lee "Sammy" Sam'),
      csvLine('CPT-2', '"Kim" Park'),
      csvLine('CPT-3'),
    ].join('\n');
    expect(await rowsEveryWay(text)).toEqual([
      row(2, 'CPT-1', 'Lee "Sammy" Sam'),
      row(3, 'CPT-2', '"Kim" Park'),
      row(4, 'CPT-3'),
    ]);
  });

  it('when cells are empty, quoted or padded, then empty cells are absent fields and values are trimmed', async () => {
    const text = `${HEADER},policyId\n CPT-1 ,"2025-01-02","Holder CPT-1", cpt-1@example.com ,\n`;
    expect(await rowsEveryWay(text)).toEqual([row(2, 'CPT-1')]);
  });

  it.each([
    ['an unknown column', `${HEADER},certDate`, 'unknown column(s) "certDate"'],
    ['a missing column', 'credentialNumber,holderName,holderEmail', 'missing column(s) certificationDate'],
    ['a repeated column', `${HEADER},holderName`, 'repeated column(s) holderName'],
  ])('when the header has %s, then the file is refused before any row', async (_what, header, message) => {
    const attempt = rows(`${header}\n${csvLine('CPT-1')}\n`);
    await expect(attempt).rejects.toThrow(ImportFileError);
    await expect(attempt).rejects.toThrow(`The CSV header on line 1 has ${message}. Known columns: `);
  });

  it('when the file is empty or blank, then it is refused', async () => {
    for (const text of ['', '\uFEFF', '\n\n  \n']) {
      await expect(rows(text)).rejects.toThrow('The file is empty');
    }
  });

  it('when the header itself has an unclosed quote, then the file is refused', async () => {
    await expect(rows(`"credentialNumber,certificationDate\n${csvLine('CPT-1')}\n`)).rejects.toThrow(
      /^The CSV header on line 1 cannot be read: a quote opened in this row is never closed, so lines 1–2/,
    );
  });

  it('when the file is streamed, then rows come out before the end of the file is read', async () => {
    const lines = [HEADER, ...Array.from({ length: 1_000 }, (_, i) => csvLine(`CPT-${i}`))];
    let pulled = 0;
    async function* source(): AsyncGenerator<string> {
      for (const line of lines) {
        await new Promise(setImmediate); // as a file arrives, a read at a time
        pulled += 1;
        yield `${line}\n`;
      }
    }
    const { rows: read } = await openRows(source(), 'big.csv');
    const first = await read.next();
    expect(first.value).toEqual(row(2, 'CPT-0'));
    expect(pulled).toBeLessThan(lines.length / 2);
    await read.return(undefined);
  });
});

describe('NDJSON rows and format detection', () => {
  const object = (number: string) =>
    JSON.stringify({ credentialNumber: number, certificationDate: '2025-01-02' });

  it('when lines are JSON objects, then each keeps its line; bad lines are reported by line', async () => {
    const text = `\uFEFF${object('N-1')}\r\n\r\n{"credentialNumber":\n[1]\n${object('N-2')}\n`;
    expect(await rowsEveryWay(text, 'file.ndjson')).toEqual([
      { line: 1, fields: { credentialNumber: 'N-1', certificationDate: '2025-01-02' } },
      { line: 3, unreadable: 'not valid JSON: each line must be one JSON object' },
      { line: 4, unreadable: 'each line must be one JSON object' },
      { line: 5, fields: { credentialNumber: 'N-2', certificationDate: '2025-01-02' } },
    ]);
  });

  it('when the name has no known extension, then the first text that is not white space decides', async () => {
    const ndjson = await openRows(chunked(`\n  \n${object('N-1')}\n`, 1), 'upload');
    expect(ndjson.format).toBe('ndjson');
    const read: RawRow[] = [];
    for await (const r of ndjson.rows) read.push(r);
    expect(read).toEqual([{ line: 3, fields: { credentialNumber: 'N-1', certificationDate: '2025-01-02' } }]);
    expect((await openRows(chunked(`${HEADER}\n`, 2))).format).toBe('csv');
    expect((await openRows('{}', 'file.csv')).format).toBe('csv');
  });
});

describe('a file that fails while it is read', () => {
  it.each(['file.csv', 'file.ndjson'])(
    'when reading %s fails midway, then reading the rows fails with that error',
    async (name) => {
      async function* failing(): AsyncGenerator<string> {
        yield name.endsWith('.csv') ? `${HEADER}\n` : '{"credentialNumber":"N-1"}\n';
        await new Promise(setImmediate);
        throw new Error('EIO: i/o error, read');
      }
      const { rows: read } = await openRows(failing(), name);
      const all: RawRow[] = [];
      await expect(
        (async () => {
          for await (const r of read) all.push(r);
        })(),
      ).rejects.toThrow('EIO: i/o error, read');
    },
  );
});
