import {
  compareDates,
  completionKey,
  cycleDates,
  grantKey,
  isValidOn,
  nextCycleStart,
  policyInForce,
  surplusUnits,
  versionsFrom,
  type CalendarDate,
  type CeuCompletion,
  type Phase,
} from '../../rules';
import {
  SYSTEM,
  type Actor,
  type CarriedOver,
  type CommandOutcome,
  type CredentialInput,
  type Revoke,
} from '../contract';
import type { CredentialEvent } from '../events';
import { endForRevocation } from './application';
import { cycleKey, event } from './event';
import { balanceOn, snapshotOf, type CycleState } from './state';

// A cycle's beginning and end: the events a run starts with, the phase moving with the dates, the
// lapse, revocation, renewal into the next cycle and continuing the same cycle in a new run.

/** Update outcomes are remembered at least this long (and across continue-as-new): a retry gets the first answer. */
export const COMMAND_MEMORY_MS = 30 * 24 * 60 * 60 * 1000;

export function cycleStarted(
  state: CycleState,
  at: number,
  workflowId: string,
  phase: Phase,
  today: CalendarDate,
): CredentialEvent {
  return event(state, cycleKey(state, 'cycle_started'), at, SYSTEM, {
    type: 'cycle_started',
    policyId: state.policy.id,
    policyVersion: state.policy.version,
    workflowId,
    certifiedOn: state.input.certifiedOn,
    dates: state.dates,
    phase,
    // The new cycle's balance: the facts it carries keep their keys, so a renewed credential's
    // ceus_earned would otherwise stay at the previous cycle's.
    ceusEarned: balanceOn(state, today).earned,
  });
}

/**
 * Events for the facts a run starts with. Keys are those of the original reports, so facts already
 * recorded by an earlier cycle change nothing; an import's opening balance is recorded here.
 */
export function carriedFacts(state: CycleState, at: number, today: CalendarDate): CredentialEvent[] {
  const earned = balanceOn(state, today).earned;
  return [
    ...state.completions.map((completion) =>
      event(state, `ceu:${completionKey(completion)}`, at, SYSTEM, {
        type: 'ceu_completion_reported',
        completion,
        ceusEarned: earned,
      }),
    ),
    ...state.cprAed.map((certification) =>
      event(state, `cpr:${certification.certificationId}`, at, SYSTEM, {
        type: 'cpr_aed_reported',
        certification,
        ceusEarned: earned,
      }),
    ),
  ];
}

export function phaseChanged(
  state: CycleState,
  at: number,
  from: Phase,
  to: Phase,
  actor: Actor,
  today: CalendarDate,
): CredentialEvent {
  return event(state, cycleKey(state, `phase:${to}`), at, actor, {
    type: 'phase_changed',
    from,
    to,
    ceusEarned: balanceOn(state, today).earned,
  });
}

/**
 * Lapsed on the lapse date itself whenever the run gets there (an import of a lapsed credential, a
 * worker back late), or on the day an application that held the lapse was denied.
 */
export function lapse(state: CycleState, at: number): CredentialEvent[] {
  const reason = `Not renewed before ${state.dates.lapseDate}`;
  const denied = state.application?.status === 'denied' ? state.application.decidedOn : null;
  const on = denied && compareDates(denied, state.dates.lapseDate) > 0 ? denied : state.dates.lapseDate;
  state.closed = { phase: 'Lapsed', on, reason, actor: SYSTEM };
  return [event(state, cycleKey(state, 'lapsed'), at, SYSTEM, { type: 'lapsed', reason })];
}

export function revoke(
  state: CycleState,
  cmd: Revoke,
  revokedOn: CalendarDate,
  at: number,
): CredentialEvent[] {
  const reason = cmd.reason.trim();
  const ended = endForRevocation(state, reason, revokedOn, at, cmd.revokedBy);
  state.closed = { phase: 'Revoked', on: revokedOn, reason, actor: cmd.revokedBy };
  return [...ended, event(state, cycleKey(state, 'revoked'), at, cmd.revokedBy, { type: 'revoked', reason })];
}

function recentOutcomes(state: CycleState, now: number): CommandOutcome[] {
  return state.outcomes.filter((o) => o.at >= now - COMMAND_MEMORY_MS);
}

/** Surplus course CEUs of the renewed cycle, as one completion dated on the next cycle's first day. */
function carriedSurplus(state: CycleState, nextStart: CalendarDate): CeuCompletion[] {
  const application = state.application;
  if (!state.policy.carryOverSurplus || !application) return [];
  const units = surplusUnits(balanceOn(state, application.receivedOn));
  if (units <= 0) return [];
  return [
    {
      provider: 'carry-over',
      completionId: `${state.input.credentialNumber}-c${state.input.cycle}`,
      course: `Surplus CEUs carried over from cycle ${state.input.cycle}`,
      units,
      completedOn: nextStart,
      approved: true,
    },
  ];
}

/**
 * The next run's input: only what the next cycle needs. Completions and approved petition grants
 * dated from the next start on (minus those the late renewal consumed), CPR/AED still valid then,
 * every pending petition, the surplus where the policy carries it over, the update outcomes and
 * reports to remember, and the events not yet recorded (ending with 'renewed'). The next cycle runs
 * under the version in force on its first day.
 */
export function nextCycle(
  state: CycleState,
  now: number,
  pendingEvents: readonly CredentialEvent[],
): CredentialInput {
  const start = nextCycleStart(state.dates);
  const policy = policyInForce(state.versions, start);
  const nextNumber = state.input.cycle + 1;
  const renewed = event(state, cycleKey(state, 'renewed'), now, SYSTEM, {
    type: 'renewed',
    nextCycle: nextNumber,
    nextDates: cycleDates(start, policy, nextNumber),
  });
  const consumed = new Set(state.application?.consumes ?? []);
  const inNext = (d: CalendarDate) => compareDates(d, start) >= 0;
  const completions = state.completions.filter(
    (c) => inNext(c.completedOn) && !consumed.has(completionKey(c)),
  );
  const carried: CarriedOver = {
    completions: [...completions, ...carriedSurplus(state, start)],
    consumed: [...consumed],
    cprAed: state.cprAed.filter((c) => isValidOn(c, start) || compareDates(c.issuedOn, start) > 0),
    // Every pending petition (its fee is paid and ops must still be able to decide it); approved
    // ones only where their course counts in the next cycle.
    petitions: state.petitions.filter(
      (p) =>
        p.status === 'pending' ||
        (p.status === 'approved' && inNext(p.completedOn) && !consumed.has(grantKey(p.petitionId))),
    ),
    commandOutcomes: recentOutcomes(state, now),
    previous: {
      completions: state.completions.filter((c) => !completions.includes(c)),
      cprAed: state.cprAed,
      paymentReferences: state.petitions.map((p) => p.paymentReference),
      dates: state.dates,
    },
    pendingEvents: [...pendingEvents, renewed],
  };
  return {
    credentialNumber: state.input.credentialNumber,
    policyId: state.input.policyId,
    certifiedOn: state.input.certifiedOn,
    cycle: nextNumber,
    cycleStart: start,
    carried,
    policy,
    policyVersions: versionsFrom(state.versions, start),
    ...(state.input.continueAsNewAfterEvents
      ? { continueAsNewAfterEvents: state.input.continueAsNewAfterEvents }
      : {}),
  };
}

/** The same cycle in a new run, with its whole state (an upgrade, or a history grown long). */
export function continuedInput(
  state: CycleState,
  now: number,
  pendingEvents: readonly CredentialEvent[],
): CredentialInput {
  return {
    credentialNumber: state.input.credentialNumber,
    policyId: state.input.policyId,
    certifiedOn: state.input.certifiedOn,
    cycle: state.input.cycle,
    cycleStart: state.input.cycleStart,
    policy: state.policy,
    policyVersions: state.versions,
    resume: { ...snapshotOf(state, pendingEvents), commandOutcomes: recentOutcomes(state, now) },
    ...(state.input.continueAsNewAfterEvents
      ? { continueAsNewAfterEvents: state.input.continueAsNewAfterEvents }
      : {}),
  };
}

/** "Request Cancellation" (Temporal UI, CLI) is refused: revocation is the one way to end a credential early. */
export function cancelRefused(state: CycleState, at: number): CredentialEvent {
  state.counters.refusals = (state.counters.refusals ?? 0) + 1;
  return event(state, cycleKey(state, `refused:${state.counters.refusals}`), at, SYSTEM, {
    type: 'cancel_refused',
    reason:
      'A cancellation request was refused: a credential ends early only by revocation ' +
      '(POST /credentials/:number/revocation, or the revoke update with a reason).',
  });
}

export function continuedAsNew(
  state: CycleState,
  at: number,
  why: 'requested' | 'history_size' | 'suggested_by_server',
  historyLength: number,
): CredentialEvent {
  const actor = why === 'requested' && state.upgrade ? state.upgrade.requestedBy : SYSTEM;
  return event(state, cycleKey(state, `continued:${historyLength}`), at, actor, {
    type: 'continued_as_new',
    why,
    historyLength,
    reason: state.upgrade?.reason ?? null,
  });
}
