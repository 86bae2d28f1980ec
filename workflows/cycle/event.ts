import { SYSTEM, type Actor } from '../contract';
import type { CredentialEvent } from '../events';
import type { CycleState } from './state';

type EventFields = 'key' | 'credentialNumber' | 'cycle' | 'at' | 'actor';
export type EventBody = CredentialEvent extends infer E
  ? E extends CredentialEvent
    ? Omit<E, EventFields>
    : never
  : never;

/** An event of this credential; `key` makes it unique (a retried recording changes nothing). */
export function event(
  state: CycleState,
  key: string,
  at: number,
  actor: Actor,
  body: EventBody,
): CredentialEvent {
  const { credentialNumber, cycle } = state.input;
  return {
    key: `${credentialNumber}:${key}`,
    credentialNumber,
    cycle,
    at,
    actor,
    ...body,
  } as CredentialEvent;
}

/** A key scoped to this cycle: the same fact in another cycle is another event. */
export function cycleKey(state: CycleState, what: string): string {
  return `c${state.input.cycle}:${what}`;
}

export { SYSTEM };
