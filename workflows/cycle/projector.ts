import { log, proxySinks } from '@temporalio/workflow';
import { latestRequestId } from '../../observability/workflow-interceptors';
import type { Rejection } from '../../rules';
import type { CredentialEvent, EventBatch, ProjectionSinks } from '../events';
import { durable, local } from './activities';

// The events a run produces reach PostgreSQL in the order the workflow produced them, one batch per
// workflow task: the main loop flushes what handlers and timers queued, without waiting for it, so
// timers, deadlines and reminders keep running while the database is down. What is not recorded yet
// travels with continue-as-new (`pending`), so nothing accepted is lost.
//
// Runs started since the patch below record by sink (those this code starts say so in their input,
// `recordsBySink`, and need not ask it): the worker writes each batch before it completes the
// workflow task, with no activity and no history event (bench: a local activity cost
// 2.2 ms of worker CPU a fact above a sink). The SDK only logs a sink's failure, so the worker sends
// `recordingFailed` instead; that signal is in the very next activation, and its handler runs
// before the loop can flush again: the batch goes back to the front of the queue and the run
// records from then on by activities, in order. Before the run closes or continues as new, its last
// batch sent by sink is taken back the same way (its failure could not reach a closed run).

export const RECORD_BY_SINK_PATCH = 'record-events-by-sink';

const { projection } = proxySinks<ProjectionSinks>();

export class Projector {
  /** The last batch sent by sink, until the run hears it failed or takes it back. */
  private sunk: { sequence: number; events: CredentialEvent[] } | null = null;
  private sequence = 0;
  /** The sequence of the batch the worker last handed back (a repeated signal is no news). */
  private returnedSequence = 0;

  private queue: CredentialEvent[] = [];
  private inflight: { events: CredentialEvent[]; durable: boolean } | null = null;
  /** A batch finished, or went by sink, since the loop last looked (it wakes on it to flush the next). */
  settled = false;
  /** The last durable attempt failed outright (a bug, not an outage): wait for the next wake-up. */
  private stalled = false;

  constructor(private bySink: boolean) {}

  push(events: readonly CredentialEvent[]): void {
    this.queue.push(...events);
  }

  /** Everything not recorded yet, in order (a batch on its way included). */
  pending(): CredentialEvent[] {
    return [...(this.inflight?.events ?? []), ...this.queue];
  }

  get idle(): boolean {
    return this.inflight === null && this.queue.length === 0;
  }

  /** No local batch is on its way (a durable one may be: continue-as-new carries its events). */
  get movable(): boolean {
    return this.inflight === null || this.inflight.durable;
  }

  /** Starts recording what is queued, unless a batch is on its way. */
  flush(batchOf: (events: readonly CredentialEvent[]) => EventBatch, timerFired: boolean): void {
    if (timerFired) this.stalled = false;
    if (this.inflight || this.queue.length === 0 || this.stalled) return;
    const events = this.queue.splice(0);
    if (this.bySink) {
      this.sequence += 1;
      this.sunk = { sequence: this.sequence, events };
      projection.record(batchOf(events), this.sequence, latestRequestId());
      // Settled as far as the run can know: the loop looks once more (a history past its limit).
      this.settled = true;
      return;
    }
    const inflight = { events, durable: false };
    this.inflight = inflight;
    const batch = batchOf(events);
    // Plain promise callbacks, not async functions: the SDK records a stack for every promise a
    // workflow creates, and this runs once per fact (bench: a third of the workflow thread's CPU).
    void local.recordEvents(batch).then(
      () => this.settle(events, true),
      () => {
        inflight.durable = true;
        return durable.recordEvents(batch).then(
          (result) => {
            if (result.parked.length > 0) log.error('Events parked as dead letters', { keys: result.parked });
            this.settle(events, true);
          },
          (err: unknown) => {
            log.error('Recording events failed outright; they stay queued', { error: String(err) });
            this.settle(events, false);
          },
        );
      },
    );
  }

  /**
   * The worker could not write batch `sequence`: it is queued again, first, and the run records by
   * activities from now on. Anything else is refused (a hand-sent signal names no batch of ours).
   */
  handBack(sequence: number): Rejection[] | null {
    if (sequence === this.returnedSequence) return null;
    const last = this.bySink && this.sunk?.sequence === sequence;
    // The next sequence: a retried workflow task, whose batch is still queued (the one before was written).
    const next = this.bySink && sequence === this.sequence + 1;
    if (!last && !next) {
      return [
        {
          code: 'invalid_message',
          message:
            `This run has no batch ${sequence} waiting to be recorded` +
            (this.bySink ? ` (its last batch is ${this.sequence}).` : ' (it records by activities).') +
            ' Only the worker sends this signal.',
        },
      ];
    }
    if (next) this.sunk = null;
    this.returnedSequence = sequence;
    this.takeBack();
    return null;
  }

  /** Before the run closes or continues as new: its last batch by sink is recorded again, by activities. */
  takeBack(): void {
    if (this.sunk) this.queue.unshift(...this.sunk.events);
    this.sunk = null;
    this.bySink = false;
  }

  private settle(events: CredentialEvent[], recorded: boolean): void {
    this.inflight = null;
    this.settled = true;
    if (!recorded) {
      this.queue.unshift(...events);
      this.stalled = true;
    }
  }
}
