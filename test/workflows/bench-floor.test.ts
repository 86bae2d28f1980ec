import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { TWO_YEARS_MS } from '../../bench/durations';
import { startTimeSkippingServer } from '../support/temporal';
import { eventually } from './helpers';

// The end-to-end floor (scripts/bench-e2e-floor.ts) must do what any credential workflow must and no
// more: record its start and each fact by one local activity, with one timer pending for its expiry
// from its first task on, never cancelled and restarted by a fact.

const EventType = temporal.api.enums.v1.EventType;

describe('the benchmark floor workflow', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await startTimeSkippingServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('when facts arrive, then each is recorded and the expiry timer started by the first task stays pending', async () => {
    const recorded: string[] = [];
    const taskQueue = 'bench-floor-test';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../../bench/floor/workflows'),
      activities: {
        record: (ids: string[]) => Promise.resolve(ids.length),
        recordFacts: (ids: string[]) => {
          recorded.push(...ids);
          return Promise.resolve(ids.length);
        },
      },
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('floorCredential', {
        workflowId: 'floor-1',
        taskQueue,
        args: [],
      });
      await eventually(() => expect(recorded).toEqual(['floor-1']));
      await handle.signal('fact', { id: 'fact-1' });
      await eventually(() => expect(recorded).toEqual(['floor-1', 'fact-1']));
      await handle.signal('fact', { id: 'fact-2' });
      await eventually(() => expect(recorded).toEqual(['floor-1', 'fact-1', 'fact-2']));

      const events = (await handle.fetchHistory()).events ?? [];
      const count = (type: temporal.api.enums.v1.EventType) =>
        events.filter((e) => e.eventType === type).length;
      expect(count(EventType.EVENT_TYPE_TIMER_STARTED)).toBe(1);
      expect(count(EventType.EVENT_TYPE_TIMER_CANCELED)).toBe(0);
      expect(count(EventType.EVENT_TYPE_MARKER_RECORDED)).toBe(3);
      const timer = events.find((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED);
      expect(Number(timer?.timerStartedEventAttributes?.startToFireTimeout?.seconds)).toBe(
        TWO_YEARS_MS / 1000,
      );
      await handle.terminate('test over');
    });
  });
});
