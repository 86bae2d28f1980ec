import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { figures, render } from '../bench/report';
import type { Options } from '../bench/results';
import { runBench } from '../bench/run';

// `npm run bench`: the product against a bare Temporal workflow on the same server, in the same run
// (see README, "Benchmark"). Progress on stderr, the table on stdout, --json <file> for the details.

const USAGE = `usage: npm run bench -- [--rounds 3] [--quick] [--json results.json]
  [--concurrency 16] [--enrolments 300] [--ceus 150] [--import-rows 400] [--window 5] [--rates 20,50]
  [--no-history] [--max-minutes 30] [--local-postgres] [--keep]`;

function parse(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      concurrency: { type: 'string' },
      enrolments: { type: 'string' },
      ceus: { type: 'string' },
      'import-rows': { type: 'string' },
      window: { type: 'string' },
      rates: { type: 'string' },
      'no-history': { type: 'boolean', default: false },
      'max-minutes': { type: 'string' },
      'local-postgres': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const int = (name: string, value: string | undefined, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be a whole number ≥ ${min}\n${USAGE}`);
    return n;
  };
  const rates = (values.rates ?? '20,50').split(',').map((r) => Number(r.trim()));
  if (rates.some((r) => !(r > 0 && r <= 1000)))
    throw new Error(`--rates must be numbers from 1 to 1000\n${USAGE}`);
  return {
    rounds: int('rounds', values.rounds, quick ? 1 : 3, 1),
    quick,
    concurrency: int('concurrency', values.concurrency, 16, 1),
    enrolments: int('enrolments', values.enrolments, quick ? 30 : 300, 1),
    ceus: int('ceus', values.ceus, quick ? 30 : 150, 1),
    importRows: int('import-rows', values['import-rows'], quick ? 30 : 400, 1),
    windowSeconds: int('window', values.window, quick ? 2 : 5, 1),
    rates,
    warmup: quick ? 8 : 20,
    sqlOperations: quick ? 4 : 10,
    sqlFacts: quick ? 3 : 20,
    tuples: !quick,
    history: !values['no-history'],
    maxMinutes: int('max-minutes', values['max-minutes'], 30, 1),
    localPostgres: values['local-postgres'],
    keep: values.keep,
    json: values.json ?? null,
  };
}

const load = (value: unknown) =>
  Array.isArray(value) ? value.map((v) => Number(v).toFixed(1)).join(' ') : 'n/a';

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  // The history step runs workers in this process: keep the SDK's chatter out (errors still show).
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
  const results = await runBench(options);
  const figs = figures(results);
  console.log(
    `\nRecertify vs bare Temporal, ${options.rounds} round(s), ${results.durationSeconds} s, ` +
      `${String(results.environment.cpus)} CPUs (load average ${load(results.environment.loadAverageAtStart)} at start, ` +
      `${load(results.environment.loadAverageAtEnd)} at end), commit ${String(results.environment.commit)}\n`,
  );
  console.log(render(results, figs));
  if (options.json) {
    await writeFile(options.json, JSON.stringify({ ...results, figures: figs }, null, 2) + '\n');
    console.error(`results written to ${options.json}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
