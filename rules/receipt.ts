import { dateAt } from './calendar';
import type { CalendarDate } from './types';

/**
 * "Received" means received by the service (spec, readings at the seams): the API stamps each command
 * with the instant it accepted the request, and that instant decides every "day received" rule.
 *
 * The workflow takes the stamp within a bounded skew: never later than its own clock (a stamp from
 * the future is clock drift and counts as now), never more than MAX_RECEIPT_AGE_MS earlier (a
 * command cannot claim to be older than that, whoever sent it). Without a stamp (a client talking to
 * Temporal directly) the workflow's clock is the receipt.
 */
export const MAX_RECEIPT_AGE_MS = 60 * 60 * 1000;

export function receiptInstant(stamp: string | undefined, now: number): number {
  if (stamp === undefined) return now;
  const at = Date.parse(stamp);
  if (!Number.isFinite(at)) return now;
  return Math.min(now, Math.max(at, now - MAX_RECEIPT_AGE_MS));
}

export function receiptDay(stamp: string | undefined, now: number, timeZone: string): CalendarDate {
  return dateAt(receiptInstant(stamp, now), timeZone);
}
