import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/**
 * One timer for the next moment the run acts on by itself. It is kept while that moment stays the
 * same (a signal that changes nothing about deadlines costs no timer events), and replaced when the
 * moment moves.
 */
export class DeadlineTimer {
  private at: number | null = null;
  private scope: CancellationScope | null = null;
  fired = false;

  constructor(private readonly onFire: () => void) {}

  arm(at: number, now: number, summary: string): void {
    if (this.at === at && !this.fired) return;
    this.cancel();
    const scope = new CancellationScope();
    this.at = at;
    this.scope = scope;
    this.fired = false;
    // Absolute instant minus workflow time: never a calendar period as ms.
    void scope
      .run(() => sleep(Math.max(1, at - now), { summary }))
      .then(
        () => {
          if (this.scope !== scope) return;
          this.fired = true;
          this.onFire();
        },
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
  }

  /** Nothing to wait for: drop the pending timer. */
  cancel(): void {
    if (this.scope && !this.fired) this.scope.cancel();
    this.scope = null;
    this.at = null;
    this.fired = false;
  }

  /** The loop saw the fire: the next arm starts a new timer. */
  consume(): boolean {
    const fired = this.fired;
    if (fired) {
      this.at = null;
      this.scope = null;
      this.fired = false;
    }
    return fired;
  }
}
