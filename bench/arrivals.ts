import { sleep } from './processes';

// When the bench first saw each thing happen: a PostgreSQL row (LISTEN/NOTIFY from a trigger the
// bench installs in its own database) or a bare workflow's sink call (IPC from the bare worker).
// Times are taken in the bench process when the news arrives, the same way for both.

export class Arrivals {
  private readonly seen = new Map<string, number>();

  mark(key: string, at = Date.now()): void {
    if (!this.seen.has(key)) this.seen.set(key, at);
  }

  at(key: string): number | undefined {
    return this.seen.get(key);
  }

  /** Waits until every key arrived or `timeoutMs` passed; returns the keys still missing. */
  async waitAll(keys: readonly string[], timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let missing = keys.filter((k) => !this.seen.has(k));
    while (missing.length > 0 && Date.now() < deadline) {
      await sleep(20);
      missing = missing.filter((k) => !this.seen.has(k));
    }
    return missing;
  }
}
