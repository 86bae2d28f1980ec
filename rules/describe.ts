import { lastApplicationDay } from './cycle';
import { quoteFee } from './fees';
import { formatDollars } from './money';
import type { CalendarDate, CycleDates, FeeQuote, Policy } from './types';

/** One line for ops (Temporal UI): the state on `on`, the dates that matter and the fee. No personal data. */
export function describeWindow(
  dates: CycleDates,
  policy: Policy,
  on: CalendarDate,
  quote?: FeeQuote,
): string {
  const q = quote ?? quoteFee(dates, policy, on);
  if (!q.accepted) return `Lapsed ${dates.lapseDate} — exam must be re-taken`;
  const fee = formatDollars(q.total);
  switch (q.window) {
    case 'in_cycle':
      return `Active — expires ${dates.expiration}, renewal fee ${fee}`;
    case 'late':
      return `Expired ${dates.expiration} — late window open until ${dates.lateWindowEnd}, fee ${fee}`;
    case 'reinstatement':
      return `Expired ${dates.expiration} — reinstatement open until ${lastApplicationDay(dates)}, fee ${fee}`;
  }
}
