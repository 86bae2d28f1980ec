import type { CalendarDate } from '../rules/types';
import { isCalendarDate } from '../rules/calendar';

// Keyset pagination over (expiresOn, number): the cursor is the last row's key, base64url JSON.

export interface CursorKey {
  readonly expiresOn: CalendarDate;
  readonly number: string;
}

/** A cursor that was not produced by this service (the API answers 400). */
export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not valid: pass the nextCursor of a previous page unchanged.');
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify({ e: key.expiresOn, n: key.number })).toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const { e, n } = (parsed ?? {}) as { e?: unknown; n?: unknown };
  if (typeof e !== 'string' || !isCalendarDate(e) || typeof n !== 'string' || n === '') {
    throw new InvalidCursorError();
  }
  return { expiresOn: e, number: n };
}
