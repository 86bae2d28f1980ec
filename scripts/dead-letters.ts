import { parseArgs } from 'node:util';
import { createDb } from '../db/client';
import { replayDeadLetters } from '../db/dead-letter-replay';
import { listDeadLetters } from '../db/dead-letters';
import { createSqlPool } from '../db/sql-pool';
import { provideDatabase } from './lib/database';

const USAGE = `usage: npm run dead-letters -- list [--all] [--key K] [--json]
       npm run dead-letters -- replay [--key K] [--json]

Events the projection could never write are parked in dead_letter_events (see README, "Dead letters").
list    shows the unresolved ones (--all: resolved too), oldest first
replay  re-applies them in that order after the cause is fixed, marking each recorded one resolved
Exit codes: 0 done (replay: every event recorded), 1 some events failed again, 2 usage.`;

// `npm run dead-letters -- list|replay`: the database is DATABASE_URL, else as for npm run db:migrate.
async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { key: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' } },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, ...extra] = parsed.positionals;
  const { key, all = false, json = false } = parsed.values;
  if ((command !== 'list' && command !== 'replay') || extra.length > 0 || (command === 'replay' && all)) {
    console.error(USAGE);
    return 2;
  }
  const database = await provideDatabase(process.env.DATABASE_NAME ?? 'recertify');
  const db = createDb(database.url);
  const pool = createSqlPool(database.url, { max: 2 });
  try {
    if (command === 'list') {
      const letters = await listDeadLetters(pool, { ...(key ? { key } : {}), all });
      if (json) console.log(JSON.stringify(letters, null, 2));
      else if (letters.length === 0) console.log('no parked events');
      else {
        for (const l of letters) {
          console.log(
            `${l.eventKey}  ${l.credentialNumber}  ${l.eventType}  ${l.errorCode}  attempts ${l.attempts}  ` +
              `first ${l.firstFailedAt}  last ${l.lastFailedAt}${l.resolvedAt ? `  resolved ${l.resolvedAt}` : ''}\n` +
              `    ${l.errorMessage}`,
          );
        }
      }
      return 0;
    }
    const results = await replayDeadLetters(db, pool, key ? { key } : {});
    if (json) console.log(JSON.stringify(results, null, 2));
    else if (results.length === 0) console.log('no parked events to replay');
    else
      for (const r of results)
        console.log(`${r.outcome}  ${r.key}  ${r.type}${r.error ? `  ${r.error}` : ''}`);
    return results.some((r) => r.outcome === 'parked') ? 1 : 0;
  } finally {
    await Promise.all([db.$disconnect(), pool.end()]);
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
