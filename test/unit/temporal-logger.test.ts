import { bundleWorkflowCode } from '@temporalio/worker';
import { createLogger } from '../../observability/logger';
import { PinoTemporalLogger } from '../../observability/temporal-logger';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../observability/workflow-interceptor-modules';

// What the Temporal SDK logs through our logger, as JSON lines: quiet at info.

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    service: 'worker',
    destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { lines, temporal: new PinoTemporalLogger(logger) };
}

describe('PinoTemporalLogger', () => {
  it('when the SDK bundles the workflows, then webpack’s report goes to debug and info gets the one-line summary', async () => {
    const { lines, temporal } = capture();
    await bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
      logger: temporal,
    });
    const report = lines.find((l) => String(l.msg).includes('compiled successfully'));
    expect(report).toMatchObject({ level: 'debug' });
    const info = lines.filter((l) => l.level === 'info');
    expect(info.map((l) => l.msg)).toEqual(['Workflow bundle created']);
  });

  it('when an activity logs, then its attributes stay and its task token is dropped', () => {
    const { lines, temporal } = capture();
    temporal.warn('Activity failed', {
      activityType: 'recordEvent',
      workflowId: 'credential-CPT-1',
      attempt: 3,
      taskToken: 'CiQ5ZTc0…bearer-of-the-activity',
      error: new Error('database down'),
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      msg: 'Activity failed',
      activityType: 'recordEvent',
      workflowId: 'credential-CPT-1',
      attempt: 3,
      err: { message: 'database down' },
    });
    expect(lines[0]).not.toHaveProperty('taskToken');
  });

  it('when a one-line message is logged at info, then it stays at info', () => {
    const { lines, temporal } = capture();
    temporal.info('Worker state changed', { state: 'RUNNING' });
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'Worker state changed', state: 'RUNNING' });
  });
});
