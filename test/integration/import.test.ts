import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCredentialWorkflows } from '../../api/credential-workflows';
import { EXIT, parseCliArgs, runCli } from '../../import/cli';
import { progressReporter } from '../../import/progress';
import type { ImportDeps } from '../../import/run';
import type { ImportSummary } from '../../import/types';
import { addDays, addYears, dateAt } from '../../rules/calendar';
import { nthCycleDates } from '../../rules/cycle';
import { getPolicy, NASM_CPT } from '../../rules/policies';
import type { CalendarDate } from '../../rules/types';
import { CREDENTIAL_WORKFLOW_TYPE } from '../../workflows/contract';
import { eventually, type HttpClient, httpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';

// Bulk import over the real stack: a generated file of 1,200 valid rows plus malformed ones, run
// through the CLI module twice (the second run starts nothing), and a small file through POST /imports.

const TASK_QUEUE = 'import';
const VALID_ROWS = 1_200;
const today = dateAt(Date.now(), NASM_CPT.timeZone);
const COLUMNS = [
  'credentialNumber',
  'certificationDate',
  'policyId',
  'holderName',
  'holderEmail',
  'currentCycle',
  'currentCycleStart',
  'ceusEarned',
  'cprAedId',
  'cprAedIssuedOn',
  'cprAedExpiresOn',
  'cprAedHandsOn',
] as const;
type Row = Partial<Record<(typeof COLUMNS)[number], string>>;

/** Cycle n's start, from the rules (what the import must agree with). */
function startOf(certifiedOn: CalendarDate, cycle: number, policyId: string): CalendarDate {
  return nthCycleDates(certifiedOn, cycle, getPolicy(policyId)).start;
}

interface Expected {
  number: string;
  cycle: number;
  start: CalendarDate;
  hundredths: number;
  cprAed: boolean;
  policyId: string;
}

/** Row i: in its current cycle today, a mix of policies, cycles 1–3, balances and CPR/AED. */
function validRow(i: number): { row: Row; expected: Expected } {
  const number = `IMP-${String(i).padStart(5, '0')}`;
  const policyId = i % 5 === 0 ? 'ace-cpt' : 'nasm-cpt';
  const cycle = 1 + (i % 3);
  // The current cycle started 10..509 days ago.
  const certifiedOn = addDays(addYears(today, -2 * (cycle - 1)), -(10 + (i % 500)));
  const start = startOf(certifiedOn, cycle, policyId);
  const hundredths = i % 4 === 0 ? 0 : (i * 7) % 190;
  const cprAed = i % 7 === 0;
  const row: Row = {
    credentialNumber: number,
    certificationDate: certifiedOn,
    // Blank: the default policy.
    policyId: policyId === 'nasm-cpt' && i % 2 === 1 ? '' : policyId,
    holderName: i % 11 === 0 ? `"Lee, Sam ${i}"` : `Holder ${i}`,
    holderEmail: `holder${i}@example.com`,
    // Cycle only, start only, both, or (cycle 1) neither.
    currentCycle: i % 4 === 1 ? '' : String(cycle),
    currentCycleStart: i % 4 === 0 || (cycle === 1 && i % 4 === 2) ? '' : start,
    ceusEarned: hundredths === 0 && i % 8 === 0 ? '' : (hundredths / 100).toFixed(2),
    ...(cprAed
      ? {
          cprAedId: `cpr-${i}`,
          cprAedIssuedOn: addDays(today, -30),
          cprAedExpiresOn: addYears(today, 2),
          cprAedHandsOn: 'true',
        }
      : {}),
  };
  return { row, expected: { number, cycle, start, hundredths, cprAed, policyId } };
}

const base = (number: string): Row => ({
  credentialNumber: number,
  certificationDate: addYears(today, -1),
  holderName: 'Bad Row',
  holderEmail: 'bad.row@example.com',
});

/** Malformed rows, each with the field and message it must be reported with. */
const MALFORMED: { row: Row; field: string; message: string | RegExp }[] = [
  {
    row: { ...base('BAD-DATE'), certificationDate: '2024-02-30' },
    field: 'certificationDate',
    message: 'use a real calendar date in the form YYYY-MM-DD',
  },
  {
    row: { ...base('BAD-POLICY'), policyId: 'xyz-cpt' },
    field: 'policyId',
    message: /known policies: ace-cpt, nasm-cpt/,
  },
  {
    row: { ...base('BAD-CEUS'), ceusEarned: '-1.00' },
    field: 'ceusEarned',
    message: /CEUs cannot be negative/,
  },
  { row: { ...base('x'), credentialNumber: '' }, field: 'credentialNumber', message: 'is required' },
  {
    row: base('IMP-00003'),
    field: 'credentialNumber',
    message: 'duplicates line 5: each credential is imported once',
  },
  {
    row: { ...base('BAD-FUTURE'), certificationDate: addDays(today, 10) },
    field: 'certificationDate',
    message: `must not be in the future (today is ${today} in America/Phoenix)`,
  },
  {
    row: { ...base('BAD-START'), currentCycle: '2', currentCycleStart: addYears(today, -1) },
    field: 'currentCycleStart',
    message: /^must be \d{4}-\d{2}-\d{2} \(cycle 2 starts the day after cycle 1 expires\)/,
  },
];

function csvLine(row: Row): string {
  return COLUMNS.map((column) => row[column] ?? '').join(',');
}

/** The file, and where each malformed row landed (header = line 1). */
function generateCsv() {
  const lines = [COLUMNS.join(',')];
  const expected: Expected[] = [];
  const malformedAt: { line: number; field: string; message: string | RegExp }[] = [];
  const every = Math.floor(VALID_ROWS / MALFORMED.length);
  for (let i = 0; i < VALID_ROWS; i += 1) {
    const { row, expected: e } = validRow(i);
    lines.push(csvLine(row));
    expected.push(e);
    const bad = i % every === every - 1 ? MALFORMED[Math.floor(i / every)] : undefined;
    if (bad) {
      lines.push(csvLine(bad.row));
      malformedAt.push({ line: lines.length, field: bad.field, message: bad.message });
    }
  }
  return { text: `${lines.join('\r\n')}\r\n`, expected, malformedAt };
}

function captured(isTTY = false) {
  const chunks: string[] = [];
  return { isTTY, write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

describe('bulk import', () => {
  let stack: Stack;
  let deps: ImportDeps;
  let call: HttpClient;
  let dir: string;
  let opsKey = '';
  let serviceKey = '';
  const file = generateCsv();

  beforeAll(async () => {
    stack = await startStack({ taskQueue: TASK_QUEUE, auditDraw: () => 9_999 });
    call = httpClient(stack.baseUrl);
    deps = {
      workflows: workflows(),
      repository: stack.repository,
      taskQueue: TASK_QUEUE,
      now: Date.now,
    };
    opsKey = (await stack.repository.createApiKey('ops', 'import ops')).token;
    serviceKey = (await stack.repository.createApiKey('service', 'import service')).token;
    dir = await mkdtemp(path.join(tmpdir(), 'recertify-import-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const workflows = () => createCredentialWorkflows(stack.env.client, stack.repository, Date.now);
  // Other suites share the database (not the Temporal server, which is per file).
  const importedHolders = () =>
    stack.db.holder.count({ where: { credentialNumber: { startsWith: 'IMP-' } } });
  const countWorkflows = async () =>
    (await stack.env.client.workflow.count(`WorkflowType = '${CREDENTIAL_WORKFLOW_TYPE}'`)).count;

  async function importFile(name: string, text: string, extra: string[] = []) {
    const filePath = path.join(dir, name);
    await writeFile(filePath, text);
    const stdout = captured();
    const stderr = captured();
    const code = await runCli(parseCliArgs([filePath, ...extra]), deps, { stdout, stderr });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  describe('a generated CSV of 1,200 valid and 7 malformed rows, through the CLI module', () => {
    let first: ImportSummary;

    it('when imported, then every valid row starts and every malformed row is reported by line', async () => {
      const run = await importFile('credentials.csv', file.text, [
        '--json',
        '--concurrency',
        process.env.IMPORT_CONCURRENCY ?? '16',
      ]);
      first = JSON.parse(run.stdout) as ImportSummary;
      console.log(
        `import of ${first.rows} rows: ${first.started} started in ${first.elapsedMs} ms = ${first.rowsPerSecond} rows/s`,
      );
      expect(run.code).toBe(EXIT.ok);
      expect(first).toMatchObject({
        format: 'csv',
        rows: VALID_ROWS + MALFORMED.length,
        started: VALID_ROWS,
        alreadyEnrolled: 0,
        invalid: MALFORMED.length,
        conflicts: 0,
        failed: 0,
      });
      expect(first.problems.map((p) => p.line)).toEqual(file.malformedAt.map((m) => m.line));
      for (const [i, problem] of first.problems.entries()) {
        const want = file.malformedAt[i];
        expect(problem.outcome).toBe('invalid');
        expect(problem.issues).toEqual([
          {
            field: want?.field,
            message:
              typeof want?.message === 'string'
                ? want.message
                : (expect.stringMatching(want?.message ?? '') as unknown),
          },
        ]);
      }
      // Non-TTY progress: plain lines, the last at 100%.
      expect(run.stderr).toContain(`import: ${VALID_ROWS}/${VALID_ROWS} (100%)`);
      expect(run.stderr).not.toContain('\r');
    });

    it('then the Temporal server runs one workflow per valid row and the database holds one holder per valid row', async () => {
      await eventually(async () => (await countWorkflows()) === VALID_ROWS, 30_000, 'workflow count');
      expect(await importedHolders()).toBe(VALID_ROWS);
      const holder = await stack.repository.findHolder('IMP-00011');
      expect(holder).toEqual({ name: 'Lee, Sam 11', email: 'holder11@example.com' });
    });

    it('then the imported cycle, CEU balance and CPR/AED show in the workflow query', async () => {
      // i = 14: cycle 3, 0.98 CEUs, a CPR/AED, NASM (which counts it as 0.10).
      for (const i of [14, 5, 1]) {
        const want = file.expected[i];
        if (!want) throw new Error('no such row');
        const view = await workflows().state(want.number);
        expect(view).toMatchObject({
          cycle: want.cycle,
          policyId: want.policyId,
          dates: { start: want.start },
        });
        expect(view.ceus.fromCourses).toBe(want.hundredths);
        expect(view.ceus.fromCprAed).toBe(want.cprAed && want.policyId === 'nasm-cpt' ? 10 : 0);
        if (want.hundredths > 0) {
          expect(view.completions).toEqual([
            {
              provider: 'import',
              completionId: `opening-balance-${want.number}`,
              course: 'Imported balance',
              units: want.hundredths,
              completedOn: want.start,
              approved: true,
            },
          ]);
        }
      }
    });

    it('then the opening balance and CPR/AED are recorded in the database once per credential', async () => {
      for (const i of [14, 5, 1]) {
        const want = file.expected[i];
        if (!want) throw new Error('no such row');
        const where = { credentialNumber: want.number };
        const records = await eventually(
          async () => {
            const rows = await stack.db.ceuRecord.findMany({ where });
            return rows.length === (want.hundredths > 0 ? 1 : 0) && rows;
          },
          30_000,
          `ceu records of ${want.number}`,
        );
        expect(records.map((r) => [r.provider, r.completionId, r.units])).toEqual(
          want.hundredths > 0 ? [['import', `opening-balance-${want.number}`, want.hundredths]] : [],
        );
        expect(await stack.db.cprAedCertification.count({ where })).toBe(want.cprAed ? 1 : 0);
        const credential = await stack.db.credential.findUnique({ where: { number: want.number } });
        const cprUnits = want.cprAed && want.policyId === 'nasm-cpt' ? 10 : 0;
        expect(credential?.ceusEarned).toBe(want.hundredths + cprUnits);
      }
    });

    it('when the same file is imported again, then nothing new starts and every valid row is already enrolled', async () => {
      const run = await importFile('credentials.csv', file.text, ['--concurrency', '32']);
      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toMatch(
        new RegExp(`credentials\\.csv \\(csv\\): ${VALID_ROWS + MALFORMED.length} rows in`),
      );
      expect(run.stdout).toMatch(/ {2}started +0\n/);
      expect(run.stdout).toMatch(new RegExp(` {2}already enrolled +${VALID_ROWS}\\n`));
      expect(run.stdout).toContain(
        `line ${file.malformedAt[0]?.line} (BAD-DATE) invalid: certificationDate:`,
      );
      expect(await countWorkflows()).toBe(VALID_ROWS);
      expect(await importedHolders()).toBe(VALID_ROWS);
    });
  });

  describe('a CSV with a quote that is never closed, through the CLI module', () => {
    it('when imported, then the rows before it start and the report names the row and every line it swallowed', async () => {
      const row = (number: string, name: string) =>
        csvLine({ ...base(number), holderName: name, holderEmail: `${number.toLowerCase()}@example.com` });
      const text = [
        COLUMNS.join(','),
        row('QUOTE-1', 'Ada Quote'),
        row('QUOTE-2', '"Lee, Sam"'),
        row('QUOTE-3', '"Kim, Park'),
        row('QUOTE-4', 'After One'),
        row('QUOTE-5', 'After Two'),
        '',
      ].join('\n');
      const run = await importFile('unclosed.csv', text);
      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toContain(
        'line 4 invalid: a quote opened in this row is never closed, so lines 4–6 (the rest of the file) could not be read',
      );
      expect(run.stdout).toMatch(/unclosed\.csv \(csv\): 3 rows in/);
      expect(run.stdout).toMatch(/ {2}started +2\n/);
      expect(run.stdout).toMatch(/ {2}invalid +1\n/);
      expect(await stack.repository.findHolder('QUOTE-2')).toEqual({
        name: 'Lee, Sam',
        email: 'quote-2@example.com',
      });
      for (const number of ['QUOTE-3', 'QUOTE-4', 'QUOTE-5']) {
        expect(await stack.repository.findHolder(number)).toBeNull();
      }
    });
  });

  describe('POST /imports', () => {
    const ndjson = [
      ...Array.from({ length: 20 }, (_, i) =>
        JSON.stringify({
          credentialNumber: `HTTP-${i}`,
          certificationDate: addDays(today, -100),
          holderName: `Http Holder ${i}`,
          holderEmail: `http${i}@example.com`,
          completions: [
            {
              provider: 'acme-ce',
              completionId: `c-${i}`,
              course: 'Program design',
              units: '0.50',
              completedOn: addDays(today, -50),
              approved: true,
            },
          ],
        }),
      ),
      '',
      '{"credentialNumber":"HTTP-BAD","certificationDate":"2025-13-01","holderName":"A","holderEmail":"a@example.com"}',
      // Enrolled by the CSV import with another certification date.
      JSON.stringify({
        credentialNumber: 'IMP-00000',
        certificationDate: addDays(today, -3),
        holderName: 'Someone Else',
        holderEmail: 'someone.else@example.com',
      }),
    ].join('\n');

    const post = (body: string, token = opsKey, type = 'application/x-ndjson') =>
      call<ImportSummary>('POST', '/imports', { token, rawBody: body, headers: { 'content-type': type } });

    it('when ops post an NDJSON file, then 200 with the summary; a conflict keeps the enrolled holder', async () => {
      const answer = await post(ndjson);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        format: 'ndjson',
        rows: 22,
        started: 20,
        alreadyEnrolled: 0,
        invalid: 1,
        conflicts: 1,
        failed: 0,
      });
      expect(answer.body.problems).toEqual([
        {
          line: 22,
          credentialNumber: 'HTTP-BAD',
          outcome: 'invalid',
          issues: [
            { field: 'certificationDate', message: 'use a real calendar date in the form YYYY-MM-DD' },
          ],
        },
        {
          line: 23,
          credentialNumber: 'IMP-00000',
          outcome: 'conflict',
          issues: [
            { field: 'certificationDate', message: expect.stringContaining('already enrolled') as unknown },
          ],
        },
      ]);
      expect(await stack.repository.findHolder('IMP-00000')).toEqual({
        name: 'Lee, Sam 0',
        email: 'holder0@example.com',
      });
      const view = await workflows().state('HTTP-7');
      expect(view.ceus.fromCourses).toBe(50);
    });

    it('when posted again, then every valid row is already enrolled', async () => {
      const answer = await post(ndjson);
      expect(answer.body).toMatchObject({ started: 0, alreadyEnrolled: 20, invalid: 1, conflicts: 1 });
    });

    it('when the caller is not ops, the type is not CSV/NDJSON or the header is wrong, then 403, 415, 400', async () => {
      expect((await post(ndjson, serviceKey)).status).toBe(403);
      expect((await post(ndjson, opsKey, 'text/plain')).status).toBe(415);
      const badHeader = await post('credentialNumber,certDate\nX-1,2025-01-01\n', opsKey, 'text/csv');
      expect(badHeader.status).toBe(400);
      expect(badHeader.body.error.message).toContain('unknown column(s) "certDate"');
    });

    it('then the OpenAPI document describes the route with its media types', async () => {
      const doc = await call<{ paths: Record<string, Record<string, { requestBody: { content: object } }>> }>(
        'GET',
        '/openapi.json',
      );
      expect(Object.keys(doc.body.paths['/imports']?.post?.requestBody.content ?? {})).toEqual([
        'text/csv',
        'application/x-ndjson',
      ]);
    });
  });

  it('on a terminal, progress is one line redrawn in place', () => {
    const tty = captured(true);
    const reporter = progressReporter(tty);
    for (let done = 1; done <= 3; done += 1) {
      reporter.update({
        done,
        total: 3,
        started: done,
        alreadyEnrolled: 0,
        failed: 0,
        elapsedMs: done * 500,
      });
    }
    reporter.finish();
    expect(tty.text()).toMatch(/^\r\[#+\.*\] 1\/3 .*\r\[#{24}\] 3\/3 \(100%\) · 3 started .*\n$/s);
    expect(tty.text().split('\n')).toHaveLength(2);
  });
});
