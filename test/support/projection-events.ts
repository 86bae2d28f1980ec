import { instantAt } from '../../rules/calendar';
import { cycleDates } from '../../rules/cycle';
import { getPolicy } from '../../rules/policies';
import type { CalendarDate, CeuCompletion, CycleDates } from '../../rules/types';
import type { Actor, CycleSnapshot, Phase } from '../../workflows/contract';
import type { CredentialEvent, EventBatch } from '../../workflows/events';

// Events as the versioned engine sends them to recordEvents, for the projection's tests.

export const NASM = getPolicy('nasm-cpt');
export const SYSTEM: Actor = { kind: 'system', id: 'workflow' };
export const PROVIDER: Actor = { kind: 'service', id: 'key-acme' };

/** Noon on a calendar day in NASM's zone, so the event's day is unambiguous. */
export const noon = (d: CalendarDate): number => instantAt(d, '12:00', NASM.timeZone);

export function envelope(number: string, key: string, on: CalendarDate, cycle = 1, actor: Actor = SYSTEM) {
  return { key: `${number}:c${cycle}:${key}`, credentialNumber: number, cycle, at: noon(on), actor };
}

export function cycleStarted(
  number: string,
  start: CalendarDate,
  extra: {
    phase?: Phase;
    cycle?: number;
    policyVersion?: number;
    ceusEarned?: number;
    dates?: CycleDates;
  } = {},
): CredentialEvent {
  const { phase = 'Active', cycle = 1, dates = cycleDates(start, NASM), ...rest } = extra;
  return {
    ...envelope(number, 'started', start, cycle),
    type: 'cycle_started',
    policyId: NASM.id,
    workflowId: `credential-${number}`,
    certifiedOn: start,
    dates,
    phase,
    ...rest,
  };
}

export const course = (
  id: string,
  units: number,
  completedOn: CalendarDate,
  provider = 'acme',
): CeuCompletion => ({
  provider,
  completionId: id,
  course: `Course ${id}`,
  units,
  completedOn,
  approved: true,
});

export function ceuReported(
  number: string,
  completion: CeuCompletion,
  on: CalendarDate,
  ceusEarned: number,
  counted = true,
): CredentialEvent {
  return {
    ...envelope(number, `ceu:${completion.provider}:${completion.completionId}`, on, 1, PROVIDER),
    type: 'ceu_completion_reported',
    completion,
    standing: counted ? { counted: true } : { counted: false, reason: 'before_cycle' },
    ceusEarned,
  };
}

export function snapshot(extra: Partial<CycleSnapshot> = {}): CycleSnapshot {
  return {
    runStartedAt: 0,
    completions: [],
    cprAed: [],
    petitions: [],
    consumed: [],
    application: null,
    audit: null,
    forceAudit: false,
    remindersSent: [],
    remindersSkipped: [],
    counters: { applications: 0, petitions: 0, audits: 0 },
    commandOutcomes: [],
    previous: null,
    pendingEvents: [],
    ...extra,
  };
}

export function batch(events: readonly CredentialEvent[], extra: Partial<EventBatch> = {}): EventBatch {
  const first = events[0];
  if (!first) throw new Error('a batch for a test has events');
  return { credentialNumber: first.credentialNumber, cycle: first.cycle, events, ...extra };
}
