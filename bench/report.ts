import type { LatencyRun, Throughput } from './phases';
import type { Pair, Results, SqlProbe } from './results';
import type { SqlFigures } from './sql';
import { latency, median, ratio, spread, type Latency, type Spread } from './stats';

// The printed table: one line per figure (ours, bare, ratio, target, met?), then the details.

export interface Figure {
  readonly figure: string;
  readonly ours: string;
  readonly bare: string;
  readonly ratio: string;
  readonly target: string;
  /** 'yes' | 'no' | '—' (no target) | 'n/a' (not measured). */
  readonly met: string;
  readonly values: Record<string, unknown>;
}

const MiB = 2 ** 20;
const fmt = (n: number | null | undefined, digits = 0): string =>
  n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits);
const kb = (c: { bytes: number; jsonBytes: number } | undefined) =>
  c ? `${(c.bytes / 1024).toFixed(1)}, ${(c.jsonBytes / 1024).toFixed(1)}` : 'n/a';
const fmtRatio = (n: number | null | undefined) =>
  n === null || n === undefined ? 'n/a' : `${n.toFixed(2)}×`;

/** "median (min–max)" over rounds, or the single value. */
function rangeText(s: Spread, unit: string, digits = 0): string {
  if (s.median === null) return 'n/a';
  const known = s.values.filter((v) => v !== null).length;
  const main = `${fmt(s.median, digits)}${unit}`;
  return known > 1 ? `${main} (${fmt(s.min, digits)}–${fmt(s.max, digits)})` : main;
}

function ratioText(s: Spread): string {
  if (s.median === null) return 'n/a';
  const known = s.values.filter((v) => v !== null).length;
  return known > 1 ? `${fmtRatio(s.median)} (${fmt(s.min, 2)}–${fmt(s.max, 2)})` : fmtRatio(s.median);
}

const verdict = (ok: boolean | null): string => (ok === null ? 'n/a' : ok ? 'yes' : 'no');

function errorsIn(items: readonly ({ errors: Record<string, number> } | null)[]): number {
  return items.reduce((sum, item) => sum + Object.values(item?.errors ?? {}).reduce((a, b) => a + b, 0), 0);
}
const errorNote = (n: number) => (n > 0 ? `, ${n} errors` : '');

/** A throughput figure: ours / bare per round, ratio per round (same round, same conditions). */
function throughputFigure(
  figure: string,
  pairs: readonly Pair<Throughput>[],
  pick: (t: Throughput) => number | null,
  target: number | null,
): Figure {
  const ours = spread(pairs.map((p) => (p.ours ? pick(p.ours) : null)));
  const bare = spread(pairs.map((p) => (p.bare ? pick(p.bare) : null)));
  const ratios = spread(pairs.map((p) => ratio(p.ours ? pick(p.ours) : null, p.bare ? pick(p.bare) : null)));
  return {
    figure,
    ours: rangeText(ours, '/s') + errorNote(errorsIn(pairs.map((p) => p.ours))),
    bare: rangeText(bare, '/s') + errorNote(errorsIn(pairs.map((p) => p.bare))),
    ratio: ratioText(ratios),
    target: target === null ? '—' : `≥ ${target}× bare`,
    met: target === null ? '—' : verdict(ratios.median === null ? null : ratios.median >= target),
    values: { ours, bare, ratio: ratios },
  };
}

/**
 * Percentiles over every round's samples at once: at 20 req/s a 5 s window holds 100 answers, whose
 * p99 is the second-worst, decided by one stall; the rounds pooled hold 300 (750 at 50 req/s), and
 * both sides are pooled alike. Each round's own p99 is printed beside it, as its range.
 */
export function pooledLatency(
  runs: readonly (LatencyRun | null)[],
  which: 'answered' | 'endToEnd',
): Latency | null {
  const samples = runs.flatMap((r) => r?.samples[which] ?? []);
  return samples.length > 0 ? latency(samples) : null;
}

function latencyText(
  runs: readonly (LatencyRun | null)[],
  which: 'answered' | 'endToEnd',
  all: Latency | null,
): string {
  if (all === null) return 'n/a';
  const p99s = spread(runs.map((r) => r?.[which]?.p99 ?? null));
  const range =
    p99s.values.filter((v) => v !== null).length > 1
      ? ` (p99 of a round ${fmt(p99s.min)}–${fmt(p99s.max)})`
      : '';
  return `${fmt(all.p50)}/${fmt(all.p95)}/${fmt(all.p99)} ms${range}`;
}

function latencyFigure(
  figure: string,
  pairs: readonly Pair<LatencyRun>[],
  which: 'answered' | 'endToEnd',
  options: {
    maxRatio: number;
    noServerErrors?: boolean;
    precondition?: { ok: boolean; why: string };
    /** Said beside the verdict, met or not: why the figure cannot settle at this rate (see backlogNoteAt). */
    backlogNote?: string | null;
  },
): Figure {
  const ours = pairs.map((p) => p.ours);
  const bare = pairs.map((p) => p.bare);
  const oursPooled = pooledLatency(ours, which);
  const barePooled = pooledLatency(bare, which);
  const pooledRatio = ratio(oursPooled?.p99, barePooled?.p99);
  const perRound = spread(pairs.map((p) => ratio(p.ours?.[which]?.p99, p.bare?.[which]?.p99)));
  const sent = (rs: readonly (LatencyRun | null)[]) => rs.reduce((s, r) => s + (r?.sent ?? 0), 0);
  const failed = (rs: readonly (LatencyRun | null)[]) =>
    rs.reduce((s, r) => s + (r ? r.sent - r.ok + r.notDone : 0), 0);
  const serverErrors = ours.reduce((s, r) => s + (r?.serverErrors ?? 0), 0);
  const failures = (rs: readonly (LatencyRun | null)[]) => `, ${failed(rs)}/${sent(rs)} failed`;
  let met: boolean | null = pooledRatio === null ? null : pooledRatio <= options.maxRatio;
  if (met !== null && options.noServerErrors && serverErrors > 0) met = false;
  const metText =
    options.precondition && !options.precondition.ok
      ? `n/a (${options.precondition.why})`
      : met !== null && options.backlogNote
        ? `${verdict(met)} (${options.backlogNote})`
        : verdict(met);
  const roundsText =
    perRound.values.filter((v) => v !== null).length > 1
      ? ` (a round's ${fmt(perRound.min, 2)}–${fmt(perRound.max, 2)})`
      : '';
  return {
    figure,
    ours: latencyText(ours, which, oursPooled) + failures(ours),
    bare: latencyText(bare, which, barePooled) + failures(bare),
    ratio: pooledRatio === null ? 'n/a' : `${fmtRatio(pooledRatio)}${roundsText}`,
    target: `p99 ≤ ${options.maxRatio}× bare${options.noServerErrors ? ', no 5xx' : ''}`,
    met: metText,
    values: {
      ratioOfP99: pooledRatio,
      ratioOfP99ByRound: perRound,
      serverErrors,
      oursFailed: failed(ours),
      bareFailed: failed(bare),
    },
  };
}

function sqlFigure(
  figure: string,
  probes: { small: SqlProbe | null; large: SqlProbe | null },
  pick: (p: SqlProbe) => SqlFigures | null,
  maxStatements: number | null,
): Figure[] {
  const a = probes.small ? pick(probes.small) : null;
  const b = probes.large ? pick(probes.large) : null;
  const sizes = `${a?.tableSize.credentials ?? '?'} / ${b?.tableSize.credentials ?? '?'} credentials`;
  const statements = [a?.statements, b?.statements];
  const worst = statements.every((s) => s === null || s === undefined)
    ? null
    : Math.max(...statements.map((s) => s ?? 0));
  const touched = (f: SqlFigures | null) =>
    f && f.tuplesRead !== null && f.tuplesWritten !== null ? f.tuplesRead + f.tuplesWritten : null;
  const [ta, tb] = [touched(a), touched(b)];
  // A read listing the credential's records reads those rows (the probed ones hold more CEUs at the
  // large size): growth is judged on the tuples beyond them, and both are printed.
  const listed = [a?.rowsListed, b?.rowsListed];
  const beyond = (t: number | null, rows: number | null | undefined) =>
    t === null || rows === null || rows === undefined ? null : t - rows;
  const [ga, gb] = listed.some((r) => r !== null && r !== undefined)
    ? [beyond(ta, listed[0]), beyond(tb, listed[1])]
    : [ta, tb];
  const beyondText =
    ga === ta
      ? ''
      : `; beyond the ${fmt(listed[0], 1)} / ${fmt(listed[1], 1)} record rows each answer lists: ${fmt(ga, 1)} / ${fmt(gb, 1)}`;
  return [
    {
      figure: `SQL statements per ${figure} (API + worker; at ${sizes})`,
      ours: `${fmt(a?.statements, 1)} / ${fmt(b?.statements, 1)} (${fmt(a?.statementsWithoutTxControl, 1)} / ${fmt(b?.statementsWithoutTxControl, 1)} without BEGIN/COMMIT)`,
      bare: '— (no SQL)',
      ratio: '—',
      target: maxStatements === null ? '—' : `≤ ${maxStatements}`,
      met: maxStatements === null ? '—' : verdict(worst === null ? null : worst <= maxStatements),
      values: { small: a, large: b },
    },
    {
      figure: `Tuples read + written per ${figure} (at ${sizes})`,
      ours: `${fmt(ta, 1)} / ${fmt(tb, 1)} (read ${fmt(a?.tuplesRead, 1)} / ${fmt(b?.tuplesRead, 1)}, seq scans ${fmt(a?.seqScans, 2)} / ${fmt(b?.seqScans, 2)})${beyondText}`,
      bare: '—',
      ratio: ga !== null && gb !== null && ga > 0 ? `${fmt(gb / ga, 2)}× from small to large` : 'n/a',
      target:
        ga === ta ? 'does not grow with table size' : 'beyond the rows listed, does not grow with table size',
      // Growth allowance: 20% plus 2 tuples of noise (autovacuum, statistics rounding).
      met: ga === null || gb === null ? 'n/a' : verdict(gb <= ga * 1.2 + 2),
      values: { small: ta, large: tb, rowsListed: { small: listed[0] ?? null, large: listed[1] ?? null } },
    },
  ];
}

/**
 * A side whose facts arrived end to end slower than they were offered (under 90% of the rate,
 * median over rounds) built a backlog through the window: its p99 then grows with the window's
 * length, and no ratio of it settles. Said beside the verdict, met or not, with the rate each side
 * that fell behind drained.
 */
export function backlogNoteAt(rate: number, pairs: readonly Pair<LatencyRun>[]): string | null {
  const drained = (side: 'ours' | 'bare') =>
    spread(pairs.map((p) => p[side]?.drainedPerSecond ?? null)).median;
  const behind = (['ours', 'bare'] as const).flatMap((side) => {
    const perSecond = drained(side);
    return perSecond !== null && perSecond < rate * 0.9 ? [`${side} ${fmt(perSecond)}/s`] : [];
  });
  if (behind.length === 0) return null;
  return `drained end to end ${behind.join(', ')} of the ${rate}/s offered: a backlog grew through the window`;
}

export function figures(results: Results): Figure[] {
  const { rounds, reads, options } = results;
  const out: Figure[] = [];
  const enrol = rounds.map((r) => r.enrol);
  const ceu = rounds.map((r) => r.ceu);
  out.push(
    throughputFigure(
      `Enrolment: POST /credentials 202s/s vs bare starts/s (${options.enrolments} at concurrency ${options.concurrency})`,
      enrol,
      (t) => t.acceptedPerSecond,
      null,
    ),
    throughputFigure(
      'Enrolment end to end: credentials row vs bare first task done',
      enrol,
      (t) => t.donePerSecond,
      0.8,
    ),
    throughputFigure(
      `CEU report: 202s/s vs bare signals/s (${options.ceus} at concurrency ${options.concurrency})`,
      ceu,
      (t) => t.acceptedPerSecond,
      null,
    ),
    throughputFigure(
      'CEU ingestion end to end: ceu_records row vs bare signal handled',
      ceu,
      (t) => t.donePerSecond,
      0.7,
    ),
  );
  for (const rate of options.rates) {
    const pairs = rounds.map((r) => r.ceuLatency[rate] ?? { ours: null, bare: null });
    const backlogNote = backlogNoteAt(rate, pairs);
    out.push(
      latencyFigure(`CEU report at ${rate} req/s, p50/p95/p99: 202 vs signal returned`, pairs, 'answered', {
        maxRatio: 2,
        backlogNote,
      }),
      latencyFigure(
        `CEU report at ${rate} req/s, p50/p95/p99 end to end: row vs handled`,
        pairs,
        'endToEnd',
        { maxRatio: 2, backlogNote },
      ),
    );
  }
  const cached = reads.length > 0 ? Math.min(...reads.map((r) => r.cached.ours ?? 0)) : 0;
  for (const rate of options.rates) {
    const pairs = reads.map((r) => r.get[rate] ?? { ours: null, bare: null });
    out.push(
      latencyFigure(
        `GET /credentials/:n at ${rate} req/s, p50/p95/p99 (${reads.map((r) => r.cached.ours ?? '?').join('/')} cached) vs bare query`,
        pairs,
        'answered',
        {
          maxRatio: 2,
          noServerErrors: true,
          precondition: { ok: reads.length > 0 && cached >= 2000, why: `needs 2,000+ cached, had ${cached}` },
        },
      ),
    );
  }
  const imports: Pair<Throughput>[] = rounds.map((r) => ({
    ours: r.import.ours
      ? ({
          acceptedPerSecond: r.import.ours.reportedRowsPerSecond,
          donePerSecond: r.import.ours.endToEndPerSecond,
          errors: r.import.ours.errors,
        } as Throughput)
      : null,
    bare: r.import.bare,
  }));
  out.push(
    throughputFigure(
      `Bulk import (npm run import, ${options.importRows} rows, concurrency ${options.concurrency}) rows/s vs bare starts/s`,
      imports,
      (t) => t.acceptedPerSecond,
      0.8,
    ),
    throughputFigure(
      'Bulk import end to end (credentials rows, from process start) vs bare first task done',
      imports,
      (t) => t.donePerSecond,
      null,
    ),
  );

  const h = results.history;
  const [o1, o2] = h?.ours ?? [];
  const [b1, b2] = h?.bare ?? [];
  out.push(
    {
      figure: 'History of one cycle (20 CEUs, CPR/AED, application, renewal): events, cycle 1 / cycle 2',
      ours: h ? `${o1?.events ?? '?'} / ${o2?.events ?? '?'}` : 'n/a',
      bare: h ? `${b1?.events ?? '?'} / ${b2?.events ?? '?'}` : 'n/a',
      ratio: fmtRatio(ratio(o1?.events, b1?.events)),
      target: '≤ 120, constant across renewals',
      met: verdict(o1 && o2 ? Math.max(o1.events, o2.events) <= 120 && o1.events === o2.events : null),
      values: { ours: h?.ours ?? null, bare: h?.bare ?? null },
    },
    {
      figure: 'History size of one cycle (KB protobuf, KB JSON), cycle 1 / cycle 2',
      ours: h ? `${kb(o1)} / ${kb(o2)}` : 'n/a',
      bare: h ? `${kb(b1)} / ${kb(b2)}` : 'n/a',
      ratio: fmtRatio(ratio(o1?.bytes, b1?.bytes)),
      target: '—',
      met: '—',
      values: {},
    },
  );

  out.push(
    ...sqlFigure('enrolment', results.sql, (p) => p.enrolment, null),
    ...sqlFigure('reported CEU', results.sql, (p) => p.ceu, 3),
    ...sqlFigure('GET /credentials/:n', results.sql, (p) => p.read, 3),
  );

  const { perCached, baseline, final } = results.memory;
  // A bare figure at or below zero is noise (too few workflows cached to see them): no ratio then.
  const rssRatio = (perCached.bare ?? 0) > 0 ? ratio(perCached.ours, perCached.bare) : null;
  const cachedText = (p: 'ours' | 'bare') =>
    `${baseline[p]?.cached ?? '?'}→${final[p]?.cached ?? '?'} cached`;
  out.push({
    figure: 'Worker RSS per cached credential (MiB)',
    ours: perCached.ours === null ? 'n/a' : `${fmt(perCached.ours / MiB, 2)} (${cachedText('ours')})`,
    bare: perCached.bare === null ? 'n/a' : `${fmt(perCached.bare / MiB, 2)} (${cachedText('bare')})`,
    ratio: fmtRatio(rssRatio),
    target: '≤ 1.5× bare',
    met: verdict(rssRatio === null ? null : rssRatio <= 1.5),
    values: { perCached, baseline, final },
  });
  return out;
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

const CPU_STEPS: readonly [
  string,
  (r: Results['rounds'][number]) => Pair<{ cpuMsPerOp: Record<string, number> }>,
][] = [
  ['enrolment', (r) => r.enrol],
  ['CEU ingestion', (r) => r.ceu],
  ['bulk import', (r) => r.import],
];

export function render(results: Results, figs: readonly Figure[]): string {
  const parts: string[] = [];
  parts.push(
    table(
      ['figure', 'ours', 'bare', 'ratio', 'target', 'met?'],
      figs.map((f) => [f.figure, f.ours, f.bare, f.ratio, f.target, f.met]),
    ),
  );

  // CPU per operation, medians over rounds, by process.
  const cpuRows: string[][] = [];
  for (const [step, pick] of CPU_STEPS) {
    for (const side of ['ours', 'bare'] as const) {
      const perRound = results.rounds.map((r) => pick(r)[side]?.cpuMsPerOp ?? null).filter((x) => x !== null);
      if (perRound.length === 0) continue;
      const names = Object.keys(perRound[0]!);
      const cells = names.flatMap((n) => {
        const ms = median(perRound.map((p) => p[n] ?? 0)) ?? 0;
        return Math.abs(ms) >= 0.05 ? [`${n} ${fmt(ms, 1)}`] : [];
      });
      const total = median(perRound.map((p) => Object.values(p).reduce((a, b) => a + b, 0)));
      cpuRows.push([step, side, `${fmt(total, 1)} ms`, cells.join(', ')]);
    }
  }
  if (cpuRows.length > 0) {
    parts.push('', 'CPU per operation (median over rounds; work after the answer included):');
    parts.push(table(['step', 'side', 'total', 'by process (ms)'], cpuRows));
  }

  const h = results.history;
  if (h) {
    const types = [...new Set([...h.ours, ...h.bare].flatMap((c) => Object.keys(c.byType)))];
    const count = (c: { byType: Record<string, number> } | undefined, t: string) => String(c?.byType[t] ?? 0);
    parts.push(
      '',
      `History events by type (one cycle; bare: ${h.signalsPerCycle} signals, 1 update, continue-as-new):`,
    );
    parts.push(
      table(
        ['event type', 'ours c1', 'ours c2', 'bare c1', 'bare c2'],
        types.map((t) => [
          t,
          count(h.ours[0], t),
          count(h.ours[1], t),
          count(h.bare[0], t),
          count(h.bare[1], t),
        ]),
      ),
    );
  }

  const sqlRows: string[][] = [];
  for (const [size, probe] of Object.entries(results.sql)) {
    for (const f of [probe?.enrolment, probe?.ceu, probe?.read]) {
      if (!f) continue;
      const procs = f.byProcess
        ? Object.entries(f.byProcess)
            .map(
              ([p, v]) =>
                `${p} ${fmt(v.statements, 1)} (tx ${fmt(v.txControl, 1)}, rows ${fmt(v.rows, 1)}, buffers ${fmt(v.buffers, 0)})`,
            )
            .join('; ')
        : 'statements not counted';
      sqlRows.push([
        `${size} (${f.tableSize.credentials} credentials, ${f.tableSize.ceuRecords} CEU rows)`,
        f.operation,
        fmt(f.statements, 1),
        procs,
        `${fmt(f.tuplesRead, 1)} / ${fmt(f.tuplesWritten, 1)}`,
        f.byTable
          ? Object.entries(f.byTable)
              .map(
                ([t, v]) =>
                  `${t} ${fmt(v.read, 1)}/${fmt(v.written, 1)}${v.seqScans > 0 ? ` (${fmt(v.seqScans, 1)} seq)` : ''}`,
              )
              .join(', ')
          : 'n/a',
      ]);
    }
  }
  if (sqlRows.length > 0) {
    parts.push(
      '',
      'SQL per operation (pg_stat_statements by process role; tuples from pg_stat_user_tables):',
    );
    parts.push(
      table(
        ['size', 'operation', 'statements', 'by process', 'tuples read / written', 'by table (read/written)'],
        sqlRows,
      ),
    );
    const large = results.sql.large ?? results.sql.small;
    for (const f of [large?.enrolment, large?.ceu, large?.read]) {
      if (!f || f.top.length === 0) continue;
      parts.push('', `Statements per ${f.operation} (${f.tableSize.credentials} credentials):`);
      for (const s of f.top.slice(0, 12))
        parts.push(`  ${fmt(s.calls, 2).padStart(5)}  ${s.process.padEnd(6)}  ${s.query.slice(0, 140)}`);
    }
  }

  const errorLines: string[] = [];
  const addErrors = (where: string, errors: Record<string, number> | undefined) => {
    for (const [text, n] of Object.entries(errors ?? {})) errorLines.push(`  ${where}: ${n} × ${text}`);
  };
  for (const r of results.rounds) {
    for (const side of ['ours', 'bare'] as const) {
      addErrors(`round ${r.round} enrolment ${side}`, r.enrol[side]?.errors);
      addErrors(`round ${r.round} CEU ingestion ${side}`, r.ceu[side]?.errors);
      for (const [rate, pair] of Object.entries(r.ceuLatency))
        addErrors(`round ${r.round} CEU at ${rate}/s ${side}`, pair[side]?.errors);
    }
    addErrors(`round ${r.round} import ours`, r.import.ours?.errors);
    addErrors(`round ${r.round} import bare`, r.import.bare?.errors);
  }
  for (const r of results.reads) {
    for (const [rate, pair] of Object.entries(r.get)) {
      addErrors(`read round ${r.round} GET at ${rate}/s ours`, pair.ours?.errors);
      addErrors(`read round ${r.round} query at ${rate}/s bare`, pair.bare?.errors);
    }
  }
  for (const e of results.stepErrors) errorLines.push(`  ${e.step}: not measured: ${e.error}`);
  parts.push(
    '',
    errorLines.length > 0 ? `Errors and answers not understood:\n${errorLines.join('\n')}` : 'Errors: none.',
  );
  return parts.join('\n');
}
