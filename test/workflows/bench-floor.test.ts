import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { TWO_YEARS_MS } from '../../bench/durations';
import { DEFAULT_POLICY_ID, getPolicy } from '../../rules';
import { planReminders } from '../../workflows/cycle/reminders';
import { createState } from '../../workflows/cycle/state';
import { newCredentialInput, startOptions } from '../../workflows/start';
import { floorWorker as startFloorWorker } from '../support/floor-worker';
import { startTimeSkippingServer } from '../support/temporal';
import { eventually, eventuallyAsync } from './helpers';

// The end-to-end floor (scripts/bench-e2e-floor.ts) must do what any credential workflow must and no
// more: record its start and each fact by one sink call per workflow task, as the product records,
// with one timer pending for its expiry from its first task on, never cancelled and restarted by a fact.

const EventType = temporal.api.enums.v1.EventType;

describe('the benchmark floor workflow', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await startTimeSkippingServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  const floorWorker = (taskQueue: string, recorded: string[]) =>
    startFloorWorker(env.nativeConnection, taskQueue, recorded);

  it('when facts arrive, then each is recorded and the expiry timer started by the first task stays pending', async () => {
    const recorded: string[] = [];
    const taskQueue = 'bench-floor-test';
    const worker = await floorWorker(taskQueue, recorded);
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

      // The sink runs before its workflow task completes: the third task's completion reaches history after.
      let events: temporal.api.history.v1.IHistoryEvent[] = [];
      const count = (type: temporal.api.enums.v1.EventType) =>
        events.filter((e) => e.eventType === type).length;
      await eventuallyAsync(async () => {
        events = (await handle.fetchHistory()).events ?? [];
        expect(count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)).toBe(3);
      });
      expect(count(EventType.EVENT_TYPE_MARKER_RECORDED)).toBe(0);
      expect(count(EventType.EVENT_TYPE_TIMER_STARTED)).toBe(1);
      expect(count(EventType.EVENT_TYPE_TIMER_CANCELED)).toBe(0);
      const timer = events.find((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED);
      expect(Number(timer?.timerStartedEventAttributes?.startToFireTimeout?.seconds)).toBe(
        TWO_YEARS_MS / 1000,
      );
      await handle.terminate('test over');
    });
  });

  it("when started as the floor with the rules' work starts it, then it records its start under the credential's workflow id, sets its timer for the rules' next moment and refuses a cancellation", async () => {
    // bench/floor/front.ts (/required-enrolments) starts it with the product's own start options, and
    // the e2e floor script waits for `credential-<number>` in floor_facts. What it must do beside the
    // floor is what the rules force on any credential's run: the timer at the next moment they give,
    // in a scope of its own so it can move, and a run no cancellation request ends.
    const recorded: string[] = [];
    const taskQueue = 'bench-floor-required-test';
    const worker = await floorWorker(taskQueue, recorded);
    const versions = [getPolicy(DEFAULT_POLICY_ID)];
    const input = newCredentialInput({ credentialNumber: 'FR-1', certifiedOn: '2026-01-05', versions });
    const { workflowId, args } = startOptions(input, Date.now());
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('floorRulesCredential', { workflowId, taskQueue, args });
      await eventually(() => expect(recorded).toEqual(['credential-FR-1']));
      let events = (await handle.fetchHistory()).events ?? [];
      expect(events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads).toHaveLength(1);
      const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED);
      const startedAt = Number(started?.eventTime?.seconds) * 1000;
      const firesAt =
        startedAt + Number(started?.timerStartedEventAttributes?.startToFireTimeout?.seconds) * 1000;
      const state = createState(input, versions[0]!, versions, startedAt);
      const next = Math.min(planReminders(state, startedAt).nextAt ?? Infinity, state.bounds.expiresAt);
      expect(Math.abs(firesAt - next)).toBeLessThan(2000);

      await handle.cancel();
      await handle.signal('fact', { id: 'after-cancel' });
      await eventually(() => expect(recorded).toEqual(['credential-FR-1', 'after-cancel']));
      expect((await handle.describe()).status.name).toBe('RUNNING');
      events = (await handle.fetchHistory()).events ?? [];
      expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(0);
      await handle.terminate('test over');
    });
  });

  it('when facts reach the sink floor, then each is recorded by the sink, with no marker or activity in history', async () => {
    // scripts/bench-floor.ts measures what recording by a sink instead of a local activity would save:
    // that holds only if the sink records every fact and history carries no recording of its own.
    const recorded: string[] = [];
    const taskQueue = 'bench-floor-sink-test';
    const worker = await floorWorker(taskQueue, recorded);
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('bareSink', {
        workflowId: 'sink-1',
        taskQueue,
        args: [],
      });
      await eventually(() => expect(recorded).toEqual(['started']));
      await handle.signal('fact', { id: 'fact-1' });
      await eventually(() => expect(recorded).toEqual(['started', 'fact-1']));
      await handle.signal('fact', { id: 'fact-2' });
      await eventually(() => expect(recorded).toEqual(['started', 'fact-1', 'fact-2']));
      const events = (await handle.fetchHistory()).events ?? [];
      const types = new Set(events.map((e) => e.eventType));
      expect(
        events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
      ).toHaveLength(2);
      expect(types.has(EventType.EVENT_TYPE_MARKER_RECORDED)).toBe(false);
      expect(types.has(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(false);
      await handle.terminate('test over');
    });
  });
});
