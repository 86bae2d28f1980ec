import { isWellFormedText } from '../../rules/fields';
import { ActorField } from '../../rules/fields';
import type { Rejection } from '../../rules';
import type { Actor } from '../contract';
import type { CredentialEvent } from '../events';
import { cycleKey, event } from './event';
import type { CycleState } from './state';

// A signal the workflow refuses changes nothing but the record of its refusal: ops read it in the
// history (PostgreSQL and the API), and a provider reads the outcome of its report.

/** Whoever sent a message too broken to name its sender. */
export const UNIDENTIFIED: Actor = { kind: 'system', id: 'unidentified-sender' };

const MAX_RECEIVED = 1000;

/** What was received, as bounded, storable text: any value a client could send. */
export function describeReceived(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  // JSON.stringify escapes control characters and lone surrogates (ES2019 well-formed stringify).
  const bounded = text.length > MAX_RECEIVED ? `${text.slice(0, MAX_RECEIVED)}…` : text;
  return isWellFormedText(bounded) ? bounded : bounded.slice(0, -1);
}

/** The sender named in a message, when it names one validly. */
export function senderOf(raw: unknown, field: string): Actor {
  const candidate =
    typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[field] : undefined;
  const parsed = ActorField.safeParse(candidate);
  return parsed.success ? parsed.data : UNIDENTIFIED;
}

/** A bounded, printable identifier taken from a message that may be malformed (for read-back keys). */
export function idOf(raw: unknown, field: string): string | null {
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string') return null;
  const printable = describeReceived(value).slice(1, -1);
  return printable.length > 0 && printable.length <= 200 ? printable : null;
}

export function refusal(
  state: CycleState,
  command: string,
  reasons: readonly Rejection[],
  raw: unknown,
  at: number,
  actor: Actor,
  report?: { kind: 'ceu' | 'cpr_aed'; source: string; id: string } | null,
): CredentialEvent {
  state.counters.refusals = (state.counters.refusals ?? 0) + 1;
  return event(state, cycleKey(state, `refused:${state.counters.refusals}`), at, actor, {
    type: 'command_refused',
    command,
    reasons,
    received: describeReceived(raw),
    reason: reasons.map((r) => r.message).join(' '),
    ...(report ? { report } : {}),
  });
}
