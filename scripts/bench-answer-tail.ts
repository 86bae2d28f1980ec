import { parseArgs } from 'node:util';
import { openLoop } from '../bench/load';
import { bareSignal, enrolOurs, http, startBare } from '../bench/phases';
import { ceuReport, policyToday } from '../bench/product';
import { latency, ratio } from '../bench/stats';
import { quiesce, startStack } from '../bench/stack';

// `npx tsx scripts/bench-answer-tail.ts [--rounds 2] [--rate 50] [--window 15]`: where the p99 of
// CEU reports to the 202 comes from. On the bench's stack, open-loop reports at a fixed rate, in
// turn: bare signals, ours, and ours with the worker paused (SIGSTOP), so the API, PostgreSQL and
// Temporal take the reports while no workflow task runs. If ours is near bare with the worker
// paused, the tail is the CPU the worker's tasks take behind the answer on a shared machine, not the
// API's path to the signal.

const SIDES = ['bare', 'ours', 'ours, worker paused'] as const;
type Side = (typeof SIDES)[number];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '2' },
      rate: { type: 'string', default: '50' },
      window: { type: 'string', default: '15' },
    },
  });
  const [rounds, rate, windowMs] = [Number(values.rounds), Number(values.rate), Number(values.window) * 1000];
  const log = (text: string) => console.error(`[tail ${new Date().toISOString().slice(11, 19)}] ${text}`);
  log('starting the stack');
  const stack = await startStack({ localPostgres: false, keep: false });
  try {
    const today = policyToday();
    const targets = Array.from({ length: 40 }, (_, i) => `AT-${i}`);
    await enrolOurs(stack, targets, 16, today);
    await startBare(
      stack,
      targets.map((t) => `bare-${t}`),
      16,
    );
    const worker = stack.children.worker.process;
    const p99s = new Map<Side, number[]>(SIDES.map((side) => [side, []]));
    // Every round's answers, for the p99 over all of them (as `npm run bench` takes it, README).
    const answers = new Map<Side, number[]>(SIDES.map((side) => [side, []]));
    for (let round = 0; round <= rounds; round += 1) {
      log(round === 0 ? 'warm-up' : `round ${round}`);
      for (const side of SIDES) {
        const prefix = `tail-${Date.now()}`; // each side's run starts at its own millisecond
        const paused = side === 'ours, worker paused';
        if (paused) worker.kill('SIGSTOP');
        try {
          const outcomes = await openLoop(rate, round === 0 ? 3000 : windowMs, (i) =>
            side === 'bare'
              ? bareSignal(stack, `bare-${targets[i % targets.length]}`, `${prefix}-${i}`)
              : http(stack, ceuReport(targets[i % targets.length]!, `${prefix}-${i}`, today)),
          );
          const failed = outcomes.filter((o) => !o.ok).length;
          if (failed > 0) throw new Error(`${failed} of ${outcomes.length} ${side} reports failed`);
          const answered = outcomes.map((o) => o.answeredAt - o.scheduledAt);
          const p99 = latency(answered).p99;
          if (round > 0 && p99 !== null) {
            p99s.get(side)!.push(p99);
            answers.get(side)!.push(...answered);
          }
        } finally {
          if (paused) worker.kill('SIGCONT');
        }
        await quiesce(stack);
      }
    }
    const pooledP99 = (side: Side) => latency(answers.get(side)!).p99;
    const bare = pooledP99('bare');
    console.log(
      `\nCEU reports at ${rate} req/s, p99 to the answer (ms) over the answers of ${rounds} rounds of ${windowMs / 1000} s\n`,
    );
    console.log('side | p99 by round | p99 of every round | ratio to bare');
    console.log('--- | --- | --- | ---');
    for (const side of SIDES) {
      const own = pooledP99(side);
      const shown = ratio(own, bare);
      console.log(
        `${side} | ${p99s.get(side)!.join(', ')} | ${own ?? '—'} | ${shown === null ? '—' : `${shown.toFixed(2)}×`}`,
      );
    }
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
