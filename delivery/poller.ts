import { safeErrorMessage } from './errors';
import type { Dispatcher } from './dispatch';
import type { DeliveryLogger } from './types';

export interface Poller {
  /** Finishes the pass under way, then stops. */
  stop(): Promise<void>;
}

/** Runs dispatch passes: back to back while batches come full, else every `pollMs`. */
export function startPolling(dispatcher: Dispatcher, pollMs: number, logger: DeliveryLogger): Poller {
  let stopped = false;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    while (!stopped) {
      let full = false;
      try {
        const report = await dispatcher.dispatchDue(Date.now());
        full = report.claimed >= dispatcher.batchSize;
      } catch (err) {
        // The database is down or unreachable: try again at the next poll.
        logger.error({ error: safeErrorMessage(err) }, 'reminder dispatch pass failed');
      }
      if (!full && !stopped) await pause(pollMs);
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
