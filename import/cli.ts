import { type FileHandle, open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ImportFileError } from './parse';
import { progressReporter, type ProgressStream } from './progress';
import { formatSummary } from './report';
import { DEFAULT_CONCURRENCY, type ImportDeps, runImport } from './run';

// `npm run import -- <file>`, minus the connections (scripts/import.ts makes them), so tests run
// exactly what ops run.

export const USAGE = 'usage: npm run import -- <file.csv|file.ndjson> [--concurrency 16] [--json]';

/**
 * Exit codes. 0: every valid row is enrolled (invalid rows and conflicts are reported by line and
 * need a fixed file, not a retry). 1: some rows failed on Temporal or the database: re-run the same
 * file, only those rows start. 2: nothing was tried (bad arguments, unreadable file or header).
 */
export const EXIT = { ok: 0, failures: 1, unusable: 2 } as const;

export interface CliArgs {
  readonly file: string;
  readonly concurrency: number;
  readonly json: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { concurrency: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) throw new UsageError(USAGE);
  const concurrency = Number(parsed.values.concurrency ?? DEFAULT_CONCURRENCY);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 256\n${USAGE}`);
  }
  return { file, concurrency, json: parsed.values.json };
}

export interface CliIo {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
}

/** Opens the file to read (a directory or a missing file is refused here, before anything starts). */
async function openFile(file: string): Promise<FileHandle> {
  const handle = await open(file, 'r');
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new Error('it is a directory');
  }
  return handle;
}

/** Streams the file into the import with progress on stderr, prints the summary on stdout; returns the exit code. */
export async function runCli(args: CliArgs, deps: ImportDeps, io: CliIo): Promise<number> {
  let handle: FileHandle;
  try {
    handle = await openFile(args.file);
  } catch (err) {
    io.stderr.write(`cannot read ${args.file}: ${(err as Error).message}\n`);
    return EXIT.unusable;
  }
  // Read as it is parsed, never whole; the stream closes the file when it ends or is destroyed.
  const text = handle.createReadStream({ encoding: 'utf8' });
  const progress = progressReporter(io.stderr);
  try {
    const summary = await runImport(text, deps, {
      concurrency: args.concurrency,
      fileName: args.file,
      onProgress: (p) => progress.update(p),
    });
    progress.finish();
    io.stdout.write(`${args.json ? JSON.stringify(summary, null, 2) : formatSummary(summary, args.file)}\n`);
    return summary.failed > 0 ? EXIT.failures : EXIT.ok;
  } catch (err) {
    progress.finish();
    if (!(err instanceof ImportFileError)) throw err;
    io.stderr.write(`${args.file}: ${err.message}\n`);
    return EXIT.unusable;
  } finally {
    text.destroy();
  }
}
