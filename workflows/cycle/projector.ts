import { log } from '@temporalio/workflow';
import type { CredentialEvent, EventBatch } from '../events';
import { durable, local } from './activities';

// The events a run produces reach PostgreSQL in the order the workflow produced them, one batch per
// workflow task: the main loop flushes what handlers and timers queued, without waiting for it, so
// timers, deadlines and reminders keep running while the database is down. What is not recorded yet
// travels with continue-as-new (`pending`), so nothing accepted is lost.

export class Projector {
  private queue: CredentialEvent[] = [];
  private inflight: { events: CredentialEvent[]; durable: boolean } | null = null;
  /** A batch finished since the loop last looked (the loop wakes on it to flush the next). */
  settled = false;
  /** The last durable attempt failed outright (a bug, not an outage): wait for the next wake-up. */
  private stalled = false;

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

  private settle(events: CredentialEvent[], recorded: boolean): void {
    this.inflight = null;
    this.settled = true;
    if (!recorded) {
      this.queue.unshift(...events);
      this.stalled = true;
    }
  }
}
