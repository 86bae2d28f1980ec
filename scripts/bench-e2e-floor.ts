import { parseArgs } from 'node:util';
import type { CallResult } from '../bench/load';
import {
  bareSignal,
  ceusOurs,
  enrolOurs,
  http,
  latencyRun,
  signalsBare,
  startBare,
  throughput,
  type LatencyRun,
  type Throughput,
} from '../bench/phases';
import { ceuReport, enrolment, policyToday } from '../bench/product';
import type { CalendarDate } from '../rules';
import { credentialWorkflowId } from '../workflows/contract';
import { cpuMsOf, freePort, startNode, stopChild, waitUntil, type Child } from '../bench/processes';
import { alive, hasPollers, startStack, type Stack } from '../bench/stack';
import { pooledLatency } from '../bench/report';
import { ratio, spread } from '../bench/stats';

const median = (values: readonly (number | null)[]) => spread(values).median;

// `npx tsx scripts/bench-e2e-floor.ts [--rounds 3]`: the floor of enrolment and of CEU ingestion,
// measured. Beside ours and the bare reference (the same stack as `npm run bench`), a third side: the
// least any design does that takes enrolments and facts over HTTP and has the workflow record each in
// PostgreSQL (bench/floor: node:http → start or signal → one sink call per workflow task → one INSERT; no
// validation, rules or authentication). A fourth side, the floor with the rules' work: the floor plus
// only the work the rules force on every enrolment and on every fact report (bench/floor/front.ts,
// /required-enrolments and /required-facts). It prints end-to-end throughput, CPU, and p99 of facts
// at fixed rates for every side, each as a ratio to bare: where a floor itself misses a target, no
// such design meets it on that machine.

const FLOOR_TASK_QUEUE = 'bench-floor';

interface Floor {
  readonly worker: Child;
  readonly http: Child;
  readonly url: string;
}

async function startFloor(stack: Stack): Promise<Floor> {
  await stack.admin.query(
    'CREATE TABLE IF NOT EXISTS floor_facts (id text PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())',
  );
  await stack.admin.query(
    "CREATE TRIGGER bench_done_floor AFTER INSERT ON floor_facts FOR EACH ROW EXECUTE FUNCTION bench_done('floor', 'id')",
  );
  await stack.admin.query(
    'CREATE TABLE IF NOT EXISTS floor_holders (credential_number text PRIMARY KEY, name text NOT NULL, email text NOT NULL)',
  );
  const port = await freePort();
  const env = { ...stack.env, FLOOR_TASK_QUEUE, FLOOR_PORT: String(port), DATABASE_URL: stack.database.url };
  const worker = startNode('floor-worker', 'bench/floor/worker.ts', { env, logDir: stack.dir });
  const httpFront = startNode('floor-http', 'bench/floor/http.ts', { env, logDir: stack.dir });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    'floor',
    async () => (
      await Promise.all([alive(worker), alive(httpFront)]),
      (await hasPollers(stack.client, FLOOR_TASK_QUEUE)) &&
        (await fetch(url, { method: 'POST', body: '{' })).status === 400
    ),
    180_000,
    500,
  );
  return { worker, http: httpFront, url };
}

/** POST /<route>/<workflow id or credential number> to the floor's HTTP front; 202 is success. */
async function floorPost(
  floor: Floor,
  route: 'facts' | 'enrolments' | 'required-enrolments' | 'required-facts',
  target: string,
  body: unknown,
  query = '',
): Promise<CallResult> {
  const response = await fetch(`${floor.url}/${route}/${encodeURIComponent(target)}${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  await response.text();
  return response.status === 202
    ? { ok: true, status: 202 }
    : { ok: false, status: response.status, error: `floor ${response.status}` };
}

const floorFact = (floor: Floor, workflowId: string, factId: string) =>
  floorPost(floor, 'facts', workflowId, {
    id: factId,
    units: '0.10',
    completedOn: policyToday(),
    provider: 'bench',
  });

const floorEnrolment = (floor: Floor, workflowId: string) =>
  floorPost(floor, 'enrolments', workflowId, {
    credentialNumber: workflowId,
    certificationDate: policyToday(),
    policyId: 'bench',
  });

/** The same body as ours' enrolment (bench/product.ts). */
const requiredEnrolment = (floor: Floor, number: string, today: CalendarDate) =>
  floorPost(floor, 'required-enrolments', number, enrolment(number, today).body);

/** Ours' report body, checked against ours' credential `number`, then signalled to floor run `workflowId`. */
const requiredFact = (
  floor: Floor,
  number: string,
  workflowId: string,
  factId: string,
  today: CalendarDate,
) =>
  floorPost(
    floor,
    'required-facts',
    number,
    ceuReport(number, factId, today).body,
    `?workflow=${encodeURIComponent(workflowId)}`,
  );

/** CPU ms so far of the floor's own processes, by name. */
async function floorCpu(floor: Floor): Promise<Record<string, number>> {
  return {
    'floor-worker': (await cpuMsOf(floor.worker.process.pid)) ?? 0,
    'floor-http': (await cpuMsOf(floor.http.process.pid)) ?? 0,
  };
}

/** A floor side's closed-loop step at concurrency 16, with the CPU its own processes spent on it. */
async function floorStep(
  stack: Stack,
  floor: Floor,
  count: number,
  call: (i: number) => Promise<CallResult>,
  keyOf: (i: number) => string,
): Promise<[Throughput, Record<string, number>]> {
  const before = await floorCpu(floor);
  const result = await throughput(stack, 'bare', count, 16, call, keyOf);
  const after = await floorCpu(floor);
  return [
    result,
    Object.fromEntries(Object.entries(after).map(([name, ms]) => [name, ms - (before[name] ?? 0)])),
  ];
}

type Side = 'bare' | 'floor' | 'ours';
/** 'required': the floor doing the work the rules force on an enrolment or a fact report. */
type AnySide = Side | 'required';
interface RoundFigures {
  enrolledPerSecond: Record<AnySide, number | null>;
  perSecond: Record<AnySide, number | null>;
  /** CPU per operation by process (the floor's own: floor-worker and floor-http). */
  split: {
    enrolment: Record<AnySide, Record<string, number>>;
    fact: Record<AnySide, Record<string, number>>;
  };
}

/** Every round's latency run at one rate, by side, for p99 pooled as `npm run bench` pools it. */
type RunsAtRate = Record<AnySide, LatencyRun[]>;

const byProcess = (t: Throughput, floor: Record<string, number> = {}): Record<string, number> => ({
  ...t.cpuMsPerOp,
  ...Object.fromEntries(Object.entries(floor).map(([name, ms]) => [name, ms / Math.max(1, t.count)])),
});

const cpuTotal = (split: Record<string, number>) => Object.values(split).reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      enrolments: { type: 'string', default: '150' },
      ceus: { type: 'string', default: '150' },
      rates: { type: 'string', default: '20,50' },
      window: { type: 'string', default: '5' },
    },
  });
  const rounds = Number(values.rounds);
  const ceus = Number(values.ceus);
  const enrolments = Number(values.enrolments);
  const rates = (values.rates ?? '20,50').split(',').map(Number);
  const windowMs = Number(values.window) * 1000;
  const log = (text: string) => console.error(`[floor ${new Date().toISOString().slice(11, 19)}] ${text}`);

  log('starting the stack and the floor');
  const stack = await startStack({ localPostgres: false, keep: false });
  let floor: Floor | null = null;
  try {
    floor = await startFloor(stack);
    const f = floor;
    const today = policyToday();
    const targets = Array.from({ length: 40 }, (_, i) => `FL-${i}`);
    await enrolOurs(
      stack,
      targets.map((t) => `BN-${t}`),
      16,
      today,
    );
    await startBare(
      stack,
      targets.map((t) => `bare-${t}`),
      16,
    );
    for (const t of targets) {
      await stack.client.workflow.start('floorCredential', {
        taskQueue: FLOOR_TASK_QUEUE,
        workflowId: `floor-${t}`,
      });
    }
    const ours = targets.map((t) => `BN-${t}`);
    const bare = targets.map((t) => `bare-${t}`);
    const floors = targets.map((t) => `floor-${t}`);
    const floorCall = (prefix: string) => (i: number) =>
      floorFact(f, floors[i % floors.length]!, `${prefix}-${i}`);
    const requiredCall = (prefix: string) => (i: number) =>
      requiredFact(f, ours[i % ours.length]!, floors[i % floors.length]!, `${prefix}-${i}`, today);

    const results: RoundFigures[] = [];
    const latencyRuns = new Map<number, RunsAtRate>();
    for (let round = 0; round <= rounds; round += 1) {
      const warm = round === 0;
      const n = warm ? 30 : ceus;
      log(warm ? 'warm-up' : `round ${round}`);
      const figures = {} as RoundFigures;
      // Enrolment: the bare start's first task, the floor's start recorded, ours' credentials row.
      const e = warm ? 10 : enrolments;
      const ids = (prefix: string) => Array.from({ length: e }, (_, i) => `${prefix}-e${round}-${i}`);
      const be = await startBare(stack, ids('bare'), 16);
      const floorIds = ids('floor');
      const [fe, enrolExtra] = await floorStep(
        stack,
        f,
        e,
        (i) => floorEnrolment(f, floorIds[i]!),
        (i) => `floor:${floorIds[i]}`,
      );
      const requiredIds = ids('FR');
      const [re, requiredExtra] = await floorStep(
        stack,
        f,
        e,
        (i) => requiredEnrolment(f, requiredIds[i]!, today),
        (i) => `floor:${credentialWorkflowId(requiredIds[i]!)}`,
      );
      const oe = await enrolOurs(stack, ids('BN'), 16, today);
      figures.enrolledPerSecond = {
        bare: be.donePerSecond,
        floor: fe.donePerSecond,
        required: re.donePerSecond,
        ours: oe.donePerSecond,
      };

      const b = await signalsBare(stack, bare, n, 16, `b${round}`);
      const [fl, floorExtra] = await floorStep(
        stack,
        f,
        n,
        floorCall(`f${round}`),
        (i) => `floor:f${round}-${i}`,
      );
      const [rf, requiredFactExtra] = await floorStep(
        stack,
        f,
        n,
        requiredCall(`q${round}`),
        (i) => `floor:q${round}-${i}`,
      );
      const o = await ceusOurs(stack, ours, n, 16, `o${round}`, today);
      figures.perSecond = {
        bare: b.donePerSecond,
        floor: fl.donePerSecond,
        required: rf.donePerSecond,
        ours: o.donePerSecond,
      };
      figures.split = {
        enrolment: {
          bare: byProcess(be),
          floor: byProcess(fe, enrolExtra),
          required: byProcess(re, requiredExtra),
          ours: byProcess(oe),
        },
        fact: {
          bare: byProcess(b),
          floor: byProcess(fl, floorExtra),
          required: byProcess(rf, requiredFactExtra),
          ours: byProcess(o),
        },
      };
      for (const rate of warm ? [] : rates) {
        const run = async (side: AnySide): Promise<LatencyRun> => {
          const prefix = `${side[0]}${round}r${rate}`;
          if (side === 'bare')
            return latencyRun(
              stack,
              'bare',
              rate,
              windowMs,
              (i) => bareSignal(stack, bare[i % bare.length]!, `${prefix}-${i}`),
              (i) => `handled:${prefix}-${i}`,
            );
          if (side === 'floor')
            return latencyRun(
              stack,
              'bare',
              rate,
              windowMs,
              floorCall(prefix),
              (i) => `floor:${prefix}-${i}`,
            );
          if (side === 'required')
            return latencyRun(
              stack,
              'bare',
              rate,
              windowMs,
              requiredCall(prefix),
              (i) => `floor:${prefix}-${i}`,
            );
          return latencyRun(
            stack,
            'ours',
            rate,
            windowMs,
            (i) => http(stack, ceuReport(ours[i % ours.length]!, `${prefix}-${i}`, today)),
            (i) => `ceu:${prefix}-${i}`,
          );
        };
        const atRate = latencyRuns.get(rate) ?? { bare: [], floor: [], required: [], ours: [] };
        latencyRuns.set(rate, atRate);
        for (const side of ['bare', 'floor', 'required', 'ours'] as const) atRate[side].push(await run(side));
      }
      if (!warm) results.push(figures);
    }

    const med = (pick: (r: RoundFigures) => number | null) => median(results.map(pick));
    const fmt = (v: number | null, unit = '') =>
      v === null ? 'n/a' : `${v.toFixed(unit === '×' ? 2 : 1)}${unit}`;
    const lines: string[] = [];
    lines.push(
      `\nEnd-to-end floor, ${rounds} round(s), ${enrolments} enrolments and ${ceus} facts at concurrency 16 per side per round ` +
        `(medians of rounds; p99 over every round's answers at once)\n`,
    );
    lines.push(
      'figure | bare | floor (HTTP + start or signal + 1 sink call + INSERT) | ours | floor / bare | ours / bare | ours / floor',
    );
    lines.push('--- | --- | --- | --- | --- | --- | ---');
    /** One figure: bare, a floor side, ours, and the three ratios. */
    const line = (name: string, figure: Figure, floorSide: 'floor' | 'required') => {
      const { unit } = figure;
      // A pooled figure is one value per side, so its ratios are of those values.
      const valueOf = (side: AnySide) =>
        'pooled' in figure ? figure.pooled(side) : med((r) => figure.pick(r, side));
      const ratioOf = (side: AnySide, to: AnySide) =>
        'pooled' in figure
          ? ratio(figure.pooled(side), figure.pooled(to))
          : median(results.map((r) => ratio(figure.pick(r, side), figure.pick(r, to))));
      lines.push(
        `${name} | ${fmt(valueOf('bare'), unit)} | ${fmt(valueOf(floorSide), unit)} | ${fmt(valueOf('ours'), unit)} | ` +
          `${fmt(ratioOf(floorSide, 'bare'), '×')} | ${fmt(ratioOf('ours', 'bare'), '×')} | ${fmt(ratioOf('ours', floorSide), '×')}`,
      );
    };
    // Every figure twice: against the floor, then against the floor with the rules' work (what that
    // work adds is named in the row).
    type Figure = { name: string; unit: string; work: string } & (
      | { pick: (r: RoundFigures, s: AnySide) => number | null }
      /** Latencies: the side's value over every round's samples, instead of a median of rounds. */
      | { pooled: (s: AnySide) => number | null }
    );
    const p99Of = (rate: number, s: AnySide, kind: 'answered' | 'endToEnd') =>
      pooledLatency(latencyRuns.get(rate)?.[s] ?? [], kind)?.p99 ?? null;
    const enrolWork = '+ enrolled-once SELECT, pinned-rules input and search attributes, holder INSERT';
    const factWork = "+ the product's schema, its recorded-facts SELECT and its check";
    const figures: Figure[] = [
      {
        name: 'enrolments end to end per second',
        pick: (r, s) => r.enrolledPerSecond[s],
        unit: '/s',
        work: enrolWork,
      },
      {
        name: 'CPU per enrolment, all processes (ms)',
        pick: (r, s) => cpuTotal(r.split.enrolment[s]),
        unit: ' ms',
        work: enrolWork,
      },
      { name: 'facts end to end per second', pick: (r, s) => r.perSecond[s], unit: '/s', work: factWork },
      {
        name: 'CPU per fact, all processes (ms)',
        pick: (r, s) => cpuTotal(r.split.fact[s]),
        unit: ' ms',
        work: factWork,
      },
      ...rates.flatMap((rate): Figure[] => [
        {
          name: `p99 at ${rate}/s to the answer (ms)`,
          pooled: (s) => p99Of(rate, s, 'answered'),
          unit: ' ms',
          work: factWork,
        },
        {
          name: `p99 at ${rate}/s end to end (ms)`,
          pooled: (s) => p99Of(rate, s, 'endToEnd'),
          unit: ' ms',
          work: factWork,
        },
      ]),
    ];
    for (const figure of figures) line(figure.name, figure, 'floor');
    for (const figure of figures) {
      line(`${figure.name}, floor with the rules' work (${figure.work})`, figure, 'required');
    }
    lines.push('\nCPU per operation by process (ms, medians; processes under 0.5 ms left out)\n');
    lines.push('operation | side | by process');
    lines.push('--- | --- | ---');
    const sides = {
      enrolment: ['bare', 'floor', 'required', 'ours'],
      fact: ['bare', 'floor', 'required', 'ours'],
    } as const;
    for (const operation of ['enrolment', 'fact'] as const) {
      for (const side of sides[operation]) {
        const split = (r: RoundFigures) => r.split[operation][side];
        const names = [...new Set(results.flatMap((r) => Object.keys(split(r))))];
        const parts = names
          .map((name) => [name, median(results.map((r) => split(r)[name] ?? 0))] as const)
          .filter(([, ms]) => ms !== null && ms >= 0.5)
          .sort((x, y) => (y[1] ?? 0) - (x[1] ?? 0))
          .map(([name, ms]) => `${name} ${fmt(ms)}`);
        lines.push(`${operation} | ${side} | ${parts.join(', ')}`);
      }
    }
    console.log(lines.join('\n'));
  } finally {
    if (floor) await Promise.all([stopChild(floor.worker.process), stopChild(floor.http.process)]);
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
