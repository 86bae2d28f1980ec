import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIT, parseCliArgs, runCli } from '../../import/cli';
import type { ImportDeps } from '../../import/run';

// `npm run import` on files that cannot be imported at all: exit code 2 and a message on stderr,
// before any enrolment (these deps fail the test if anything is enrolled). Imports that do run are
// in test/integration/import.test.ts, against the real stack.

const nothingEnrolled: ImportDeps = {
  workflows: { enrol: () => Promise.reject(new Error('no row may be enrolled')) },
  repository: { saveHolder: () => Promise.reject(new Error('no holder may be saved')) },
  taskQueue: 'unused',
  now: Date.now,
};

function captured() {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text), text: () => chunks.join('') };
}

describe('npm run import on a file that cannot be imported', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'recertify-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(file: string) {
    const stdout = captured();
    const stderr = captured();
    const code = await runCli(parseCliArgs([file]), nothingEnrolled, { stdout, stderr });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  it('when the file does not exist, then exit 2 saying it cannot be read', async () => {
    const file = path.join(dir, 'missing.csv');
    const result = await run(file);
    expect(result).toEqual({
      code: EXIT.unusable,
      stdout: '',
      stderr: expect.stringContaining(`cannot read ${file}: ENOENT`) as unknown,
    });
  });

  it('when the path is a directory, then exit 2 saying so', async () => {
    expect(await run(dir)).toEqual({
      code: EXIT.unusable,
      stdout: '',
      stderr: `cannot read ${dir}: it is a directory\n`,
    });
  });

  it('when the CSV header has an unknown column, then exit 2 naming it, and nothing starts', async () => {
    const file = path.join(dir, 'bad-header.csv');
    await writeFile(
      file,
      'credentialNumber,certDate,holderName,holderEmail\nCPT-1,2025-01-02,A,a@example.com\n',
    );
    const result = await run(file);
    expect(result.code).toBe(EXIT.unusable);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${file}: The CSV header on line 1 has unknown column(s) "certDate"`);
  });

  it('when the file is empty, then exit 2 saying what it should hold', async () => {
    const file = path.join(dir, 'empty.csv');
    await writeFile(file, '');
    const result = await run(file);
    expect(result.code).toBe(EXIT.unusable);
    expect(result.stderr).toBe(
      `${file}: The file is empty: expected a header line, then one row per credential.\n`,
    );
  });
});
