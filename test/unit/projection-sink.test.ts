import { WorkflowNotFoundError, type LogLevel } from '@temporalio/common';
import type { WorkflowInfo } from '@temporalio/workflow';
import { loggerFrom } from '../../observability/logger-from';
import { projectionSinks, type ProjectionSinkDeps } from '../../worker/projection-sink';
import type { BatchResult, EventBatch } from '../../workflows/events';

// The worker's side of recording by sink: a batch is written, or handed back to its run, and the sink
// does not return (the task does not complete) before one of the two has happened.

const info = { workflowId: 'credential-CPT-1', runId: 'run-1' } as WorkflowInfo;
const batch: EventBatch = { credentialNumber: 'CPT-1', cycle: 1, events: [] };

function harness(outcomes: { record: (Error | BatchResult)[]; handBack: (Error | null)[] }) {
  const calls: string[] = [];
  const lines: { level: LogLevel; message: string; meta: unknown }[] = [];
  const logger = loggerFrom((level, message, meta) => lines.push({ level, message, meta }));
  const deps: ProjectionSinkDeps = {
    logger,
    retryDelayMs: () => 1,
    record: () => {
      calls.push('record');
      const next = outcomes.record.shift() ?? { recorded: 0, parked: [] };
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
    handBack: (workflowId, runId, sequence) => {
      calls.push(`handBack ${workflowId} ${runId} ${sequence}`);
      const next = outcomes.handBack.shift() ?? null;
      return next ? Promise.reject(next) : Promise.resolve();
    },
  };
  const sink = projectionSinks(deps).projection.record;
  return {
    calls,
    lines,
    send: (sequence: number, requestId?: string) => sink.fn(info, batch, sequence, requestId),
  };
}

const down = () => new Error('connect ECONNREFUSED 127.0.0.1:5432');

describe('the projection sink (worker/projection-sink.ts)', () => {
  it('when PostgreSQL takes the batch, then nothing is handed back, and it is not called during replay', async () => {
    const { calls, send } = harness({ record: [], handBack: [] });
    await send(1);
    expect(calls).toEqual(['record']);
    expect(
      projectionSinks({ record: jest.fn(), handBack: jest.fn() }).projection.record.callDuringReplay,
    ).toBeFalsy();
  });

  it('when PostgreSQL does not take the batch, then it is handed back to the run that sent it, by its sequence', async () => {
    const { calls, lines, send } = harness({ record: [down()], handBack: [] });
    await send(7);
    expect(calls).toEqual(['record', 'handBack credential-CPT-1 run-1 7']);
    expect(lines[0]).toMatchObject({
      level: 'WARN',
      meta: { workflowId: 'credential-CPT-1', runId: 'run-1', batch: 7 },
    });
  });

  it('when neither PostgreSQL nor Temporal answers, then it tries both again until one does, and only then returns', async () => {
    const { calls, send } = harness({
      record: [down(), down(), { recorded: 2, parked: [] }],
      handBack: [new Error('14 UNAVAILABLE'), new Error('14 UNAVAILABLE')],
    });
    await send(3);
    expect(calls).toEqual([
      'record',
      'handBack credential-CPT-1 run-1 3',
      'record',
      'handBack credential-CPT-1 run-1 3',
      'record',
    ]);
  });

  it('when the run is closed already (a task retried elsewhere recorded the batch), then it stops trying', async () => {
    const gone = new WorkflowNotFoundError(
      'workflow execution already completed',
      'credential-CPT-1',
      'run-1',
    );
    const { calls, send } = harness({ record: [down()], handBack: [gone] });
    await send(2);
    expect(calls).toEqual(['record', 'handBack credential-CPT-1 run-1 2']);
  });

  it('when the run names the request that led to the batch, then the log lines carry it, unless it is not a well-formed id', async () => {
    const { lines, send } = harness({ record: [down(), down()], handBack: [] });
    await send(4, 'req-42');
    await send(5, 'req 42\nforged: line');
    expect(lines.map((l) => (l.meta as { requestId?: string }).requestId)).toEqual(['req-42', undefined]);
  });

  it('when the batch held events that can never be written, then their keys are logged as an error with the run', async () => {
    const { lines, send } = harness({ record: [{ recorded: 1, parked: ['CPT-1:c1:ceu:x'] }], handBack: [] });
    await send(1);
    expect(lines).toEqual([
      {
        level: 'ERROR',
        message: 'Events parked as dead letters',
        meta: { workflowId: 'credential-CPT-1', runId: 'run-1', batch: 1, keys: ['CPT-1:c1:ceu:x'] },
      },
    ]);
  });
});
