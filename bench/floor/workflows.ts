import {
  CancellationScope,
  condition,
  defineSignal,
  proxyLocalActivities,
  proxySinks,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { policyInForce } from '../../rules';
import type { CredentialInput } from '../../workflows/contract';
import { DeadlineTimer } from '../../workflows/cycle/deadline-timer';
import { planReminders } from '../../workflows/cycle/reminders';
import { nextMoment } from '../../workflows/cycle/run';
import { createState } from '../../workflows/cycle/state';
import { TWO_YEARS_MS } from '../durations';

// The floor of recording a fact (scripts/bench-floor.ts): the bench's bare reference workflow, and
// the same with one local activity per workflow task, which is what writing facts to PostgreSQL
// from the workflow costs at the very least. Bundled on their own, like the bench's bare reference.

export const factSignal = defineSignal<[{ id: string }]>('fact');

const local = proxyLocalActivities<{ record(ids: string[]): Promise<number> }>({
  startToCloseTimeout: '10 seconds',
});

/** A sink runs in the worker after the activation, not recorded in history, its outcome unknown to the run. */
const { floor } = proxySinks<{ floor: { record(ids: string[]): void; recordFacts(ids: string[]): void } }>();

const MONTH_MS = 30 * 24 * 3600 * 1000;

/** Sleeps; a synchronous signal handler counts facts. */
export async function bare(): Promise<void> {
  let facts = 0;
  setHandler(factSignal, () => {
    facts += 1;
  });
  await condition(() => facts < 0, MONTH_MS);
}

/** The same, and what its handler queued is recorded by one local activity per workflow task. */
export async function bareLocalActivity(): Promise<void> {
  const queue: string[] = [];
  setHandler(factSignal, ({ id }) => {
    queue.push(id);
  });
  await local.record(['started']);
  for (;;) {
    await condition(() => queue.length > 0, MONTH_MS);
    await local.record(queue.splice(0));
  }
}

/**
 * The same, recorded by a sink instead of a local activity: no second activation and no marker per
 * workflow task. The product records this way, with a hand-back for a batch PostgreSQL did not take
 * (ARCHITECTURE, "Why facts are recorded by a sink"), which this floor leaves out.
 */
export async function bareSink(): Promise<void> {
  const queue: string[] = [];
  setHandler(factSignal, ({ id }) => {
    queue.push(id);
  });
  floor.record(['started']);
  for (;;) {
    await condition(() => queue.length > 0, MONTH_MS);
    floor.record(queue.splice(0));
  }
}

/**
 * The end-to-end floor of an enrolment and of a reported fact (scripts/bench-e2e-floor.ts): what any
 * design spends that starts a workflow or takes a fact over HTTP and has the workflow record each in
 * PostgreSQL, with nothing else: no validation, no rules, no authentication. The run records its own
 * start (its workflow id), then facts queued by the handler, by one sink call per workflow task, as
 * the product records (one INSERT, which the SDK awaits before it completes the task). Like any
 * credential (and the bare reference), it has a timer pending for its expiry from its first task on;
 * the timer is started once, so facts do not cancel and restart it. An enrolment that does the
 * rules' work (bench/floor/front.ts) passes the product's input, which this run does not read.
 */
export function floorCredential(_input?: unknown): Promise<void> {
  void sleep(TWO_YEARS_MS);
  return recordStartAndFacts();
}

/** Records the run's start (its workflow id), then the facts its handler queued, one sink call a task. */
async function recordStartAndFacts(): Promise<void> {
  const queue: string[] = [workflowInfo().workflowId];
  setHandler(factSignal, ({ id }) => {
    queue.push(id);
  });
  for (;;) {
    floor.recordFacts(queue.splice(0));
    await condition(() => queue.length > 0);
  }
}

/**
 * The floor with the rules' work, in the workflow (bench/floor/front.ts, /required-enrolments): the
 * end-to-end floor plus only what the rules and the UI's clients force on any credential's run.
 * - Its deadlines come from its input, by the rules (the cycle's dates and boundaries), and its timer
 *   is set for the next moment it must act, as the product's engine finds it (for a new credential,
 *   the first reminder or the expiry).
 * - That timer can be moved (an application, a petition or an audit moves the next moment), so it
 *   lives in a cancellable scope of its own, as the product's DeadlineTimer.
 * - A cancellation request (ops' "Request Cancellation" in the UI) must not end the credential, so the
 *   run lives in a non-cancellable scope.
 * Facts are recorded as the floor records them. No messages are validated, no state is published.
 */
export function floorRulesCredential(input: CredentialInput): Promise<void> {
  return CancellationScope.nonCancellable(() => {
    const now = Date.now();
    const versions = [...(input.policyVersions ?? [])];
    const state = createState(input, policyInForce(versions, input.cycleStart), versions, now);
    const next = nextMoment(state, now, planReminders(state, now).nextAt);
    if (next) new DeadlineTimer(() => undefined).arm(next.at, now, next.what);
    return recordStartAndFacts();
  });
}
