import type { ImportProgress } from './types';

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

const BAR_WIDTH = 24;

function line({ done, total, started, alreadyEnrolled, failed, elapsedMs }: ImportProgress): string {
  const share = total === 0 ? 1 : done / total;
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  return (
    `${done}/${total} (${Math.floor(share * 100)}%) · ${started} started · ` +
    `${alreadyEnrolled} already enrolled · ${failed} failed · ${rate} rows/s`
  );
}

function bar(progress: ImportProgress): string {
  const filled = progress.total === 0 ? BAR_WIDTH : Math.round((progress.done / progress.total) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

/**
 * Progress on stderr: on a terminal one line redrawn in place (at most 10 times a second),
 * elsewhere (CI, a log file) a plain line every `plainEveryMs`, plus the last one.
 */
export function progressReporter(stream: ProgressStream, { plainEveryMs = 2_000 } = {}) {
  const tty = stream.isTTY === true;
  const every = tty ? 100 : plainEveryMs;
  let lastAt = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(progress: ImportProgress): void {
      const last = progress.done >= progress.total;
      if (!last && progress.elapsedMs - lastAt < every) return;
      lastAt = progress.elapsedMs;
      if (tty) {
        stream.write(`\r${bar(progress)} ${line(progress)}\x1b[K`);
        drawn = true;
      } else stream.write(`import: ${line(progress)}\n`);
    },
    /** Ends the redrawn line so what follows starts on its own. */
    finish(): void {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
