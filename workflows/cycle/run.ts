import {
  allHandlersFinished,
  CancellationScope,
  condition,
  makeContinueAsNewFunc,
  patched,
  setHandler,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  countingCprAed,
  endOfDay,
  policyInForce,
  startOfDay,
  type CalendarDate,
  type Policy,
} from '../../rules';
import { getState, type CredentialInput, type CredentialOutcome } from '../contract';
import type { CredentialEvent, EventBatch } from '../events';
import { startAttributesOf, viewSource, withStartFlags } from '../start';
import { credentialView, searchAttributesOf, summarize } from '../view';
import { local } from './activities';
import { auditDeadlinePassed, auditFailsAt, DEADLINE_GRACE_MS } from './application';
import { DeadlineTimer } from './deadline-timer';
import { SYSTEM } from './event';
import { installHandlers } from './handlers';
import * as lifecycle from './lifecycle';
import { Projector, RECORD_BY_SINK_PATCH } from './projector';
import { dueReminders, planReminders } from './reminders';
import {
  balanceOn,
  createState,
  hasLiveApplication,
  isRenewalApproved,
  phaseOf,
  snapshotOf,
  today,
  type CycleState,
} from './state';

/** A run continues as new by itself past this many history events (unless the input says otherwise). */
export const DEFAULT_CONTINUE_AS_NEW_AFTER = 10_000;
/** Never fewer: a fresh run's own first events must not make it continue again at once. */
const MIN_CONTINUE_AS_NEW_AFTER = 20;

type Rules = { policy: Policy; versions: Policy[] };

function rulesFrom(input: CredentialInput, versions: Policy[]): Rules {
  return { policy: input.policy ?? policyInForce(versions, input.cycleStart), versions };
}

/**
 * Started without its versions (a client talking to Temporal directly, a first-release run being
 * upgraded): the database has them, read once and recorded in history by the local activity.
 */
async function loadRules(input: CredentialInput): Promise<Rules> {
  // Until they are in, a query says so (instead of "no handler registered").
  setHandler(getState, () => {
    throw new Error('The credential is loading its policy; ask again in a moment.');
  });
  return rulesFrom(input, await local.loadPolicyVersions(input.policyId));
}

/**
 * The versioned engine: one credential, one cycle per run (or the rest of a cycle after a mid-cycle
 * continue-as-new). The loop acts at the next moment (a reminder, a deadline) or as soon as a
 * message or a finished recording wakes it. A cancellation request is recorded and refused.
 */
export function runCycle(input: CredentialInput): Promise<CredentialOutcome> {
  const root = CancellationScope.current();
  return CancellationScope.nonCancellable(() => cycle(input, root));
}

async function cycle(input: CredentialInput, root: CancellationScope): Promise<CredentialOutcome> {
  // Asked once, first: patched() answers true for any later call in a run that is no longer replaying.
  const bySink = recordsBySink(input);
  // From the input without a promise when it carries them (every enrolment): the SDK records a stack
  // for each promise a workflow creates.
  const { policy, versions } = input.policyVersions?.length
    ? rulesFrom(input, [...input.policyVersions])
    : await loadRules(input);
  const state = createState(input, policy, versions, Date.now());
  const projector = new Projector(bySink);
  let phase = phaseOf(state, today(state, Date.now()));

  // Events the previous run had not recorded go first; a fresh cycle records its start and the
  // facts it carries (by their original keys, so facts already recorded change nothing).
  projector.push(input.resume?.pendingEvents ?? input.carried?.pendingEvents ?? []);
  if (!input.resume) {
    const now = Date.now();
    projector.push([
      lifecycle.cycleStarted(state, now, workflowInfo().workflowId, phase, today(state, now)),
      ...lifecycle.carriedFacts(state, now, today(state, now)),
    ]);
  }

  let changed = false;
  const wake = () => {
    changed = true;
  };
  const view = () => credentialView(viewSource(state), Date.now());
  installHandlers(state, projector, wake, view);
  root.cancelRequested.catch(() => {
    projector.push([lifecycle.cancelRefused(state, Date.now())]);
    wake();
  });
  const timer = new DeadlineTimer(wake);
  const publish = publisher();
  const batchOf = (events: readonly CredentialEvent[]): EventBatch => ({
    credentialNumber: state.input.credentialNumber,
    cycle: state.input.cycle,
    events,
    // Update outcomes stay in the workflow; the database keeps what reads need.
    snapshot: { ...snapshotOf(state, []), commandOutcomes: [] },
    phase: phaseOf(state, today(state, Date.now())),
  });

  for (;;) {
    changed = false;
    const timerFired = timer.consume();
    projector.settled = false;
    const now = Date.now();
    const day = today(state, now);

    projector.push(auditDeadlinePassed(state, day, now));
    if (!state.closed && !hasLiveApplication(state) && now >= state.bounds.lapsesAt + DEADLINE_GRACE_MS) {
      projector.push(lifecycle.lapse(state, now));
    }
    const current = phaseOf(state, day);
    if (current !== phase) {
      projector.push([
        lifecycle.phaseChanged(state, now, phase, current, state.closed?.actor ?? SYSTEM, day),
      ]);
      phase = current;
    }
    const plan = planReminders(state, now);
    projector.push(dueReminders(state, plan, now, day));
    publish(state, now);

    if (state.closed) {
      timer.cancel();
      // A closed run cannot record later: everything is written before it completes.
      projector.takeBack();
      while (!projector.idle) {
        projector.flush(batchOf, true);
        await condition(() => projector.settled);
        projector.settled = false;
      }
      return {
        credentialNumber: state.input.credentialNumber,
        cycle: state.input.cycle,
        phase: state.closed.phase,
        closedOn: state.closed.on,
      };
    }

    const renewing = isRenewalApproved(state);
    const why = renewing ? null : continueReason(state, input, projector.idle);
    if (renewing || why) {
      // Every handler finishes first, so nothing reported meanwhile is lost; a local recording on its
      // way finishes too (a durable one, during an outage, is carried instead).
      projector.takeBack();
      await condition(() => allHandlersFinished() && projector.movable);
      timer.cancel();
      const at = Date.now();
      if (!renewing) {
        projector.push([
          lifecycle.continuedAsNew(state, at, why ?? 'requested', workflowInfo().historyLength),
        ]);
      }
      const next = renewing
        ? lifecycle.nextCycle(state, at, projector.pending())
        : lifecycle.continuedInput(state, at, projector.pending());
      const attributes = startAttributesOf(next, at);
      return makeContinueAsNewFunc<typeof runCycle>(
        attributes.length > 0 ? { typedSearchAttributes: attributes } : {},
      )(withStartFlags(next));
    }

    projector.flush(batchOf, timerFired);
    const next = nextMoment(state, now, plan.nextAt);
    if (next) timer.arm(next.at, now, next.what);
    else timer.cancel();
    const nextAt = next?.at ?? null;
    await condition(() => {
      // A finished recording alone, with nothing queued, no moment or day crossed and no reason to
      // continue as new, would make a pass that emits no command: it is taken in here instead.
      // Commands are unchanged, so running histories replay without a patch (bench: that pass was a
      // third of the workflow thread's CPU per fact). In the predicate, not in a loop of waits:
      // each wait is three promises, and the SDK records a stack for each.
      if (projector.settled && !changed && !timer.fired && quietSince(day, nextAt)) {
        projector.settled = false;
      }
      return changed || timer.fired || projector.settled;
    });
  }

  function quietSince(day: CalendarDate, nextAt: number | null): boolean {
    const at = Date.now();
    return (
      projector.idle &&
      (nextAt === null || at < nextAt) &&
      today(state, at) === day &&
      continueReason(state, input, true) === null
    );
  }
}

/**
 * Whether the run records by sink. A run started by this code says so in its input and asks no patch:
 * in a new run, each patched() call writes a marker and a TemporalChangeVersion upsert. A worker
 * older than the flag (the API rolled out first) asked the patch for such a run anyway; replayed
 * here, the patch is asked again so that its marker is matched. Where the history has no marker,
 * patched() in replay emits nothing and its answer is not used, so both histories replay.
 */
function recordsBySink(input: CredentialInput): boolean {
  if (input.recordsBySink !== true) return patched(RECORD_BY_SINK_PATCH);
  if (workflowInfo().unsafe.isReplaying) patched(RECORD_BY_SINK_PATCH);
  return true;
}

function continueReason(
  state: CycleState,
  input: CredentialInput,
  recorded: boolean,
): 'requested' | 'history_size' | 'suggested_by_server' | null {
  if (state.upgrade) return 'requested';
  // While recording fails (an outage) a new run would only fail the same way: wait for it.
  if (!recorded) return null;
  const info = workflowInfo();
  const limit = Math.max(
    MIN_CONTINUE_AS_NEW_AFTER,
    input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER,
  );
  if (info.historyLength > limit) return 'history_size';
  if (info.continueAsNewSuggested) return 'suggested_by_server';
  return null;
}

/** The next instant the run acts on by itself: a phase boundary, a deadline (plus its grace), a reminder. */
export function nextMoment(
  state: CycleState,
  now: number,
  reminderAt: number | null,
): { what: string; at: number } | null {
  const { expiresAt, lateWindowClosesAt, lapsesAt } = state.bounds;
  const candidates: { what: string; at: number }[] = [
    { what: 'expiration', at: expiresAt },
    { what: 'late window closes', at: lateWindowClosesAt },
    // The phase shows Lapsed from the lapse instant; the run closes one grace later, so an
    // application the API received before the lapse date is still decided.
    { what: 'lapse date', at: lapsesAt },
    ...(hasLiveApplication(state)
      ? []
      : [{ what: 'lapse (closes the run)', at: lapsesAt + DEADLINE_GRACE_MS }]),
  ];
  const audit = state.audit;
  if (audit?.state === 'AwaitingDocuments') {
    candidates.push({ what: `audit documents due (${audit.auditId})`, at: audit.deadlineAt });
    candidates.push({ what: `audit fails without documents (${audit.auditId})`, at: auditFailsAt(audit) });
  }
  // After E the requirement is judged on today: it stops being met when the CPR/AED that counts expires.
  const day = today(state, now);
  const cpr = now > expiresAt ? countingCprAed(state.policy, state.cprAed, day) : null;
  if (cpr && balanceOn(state, day).shortfall === 0) {
    candidates.push({ what: 'CPR/AED expires', at: endOfDay(cpr.expiresOn, state.policy.timeZone) });
  }
  // Fees change at a version's effective date: the details and the query show the new fee from then.
  for (const version of state.versions) {
    candidates.push({
      what: `policy version ${version.version} takes effect`,
      at: startOfDay(version.effectiveFrom, state.policy.timeZone),
    });
  }
  if (reminderAt !== null) candidates.push({ what: 'reminder', at: reminderAt });
  return candidates.filter((c) => c.at > now).sort((a, b) => a.at - b.at)[0] ?? null;
}

/** Upserts search attributes and the UI's details only when they change (each upsert is an event). */
function publisher(): (state: CycleState, now: number) => void {
  let lastDetails = '';
  return (state, now) => {
    const current = workflowInfo().typedSearchAttributes;
    const changes = searchAttributesOf(viewSource(state), now).filter(({ key, value }) => {
      const before = current.get(key as never) as unknown;
      const same =
        value instanceof Date && before instanceof Date
          ? value.getTime() === before.getTime()
          : (before ?? null) === value;
      return !same;
    });
    if (changes.length > 0) upsertSearchAttributes(changes);
    const details = summarize(viewSource(state), today(state, now));
    if (details !== lastDetails) {
      setCurrentDetails(details);
      lastDetails = details;
    }
  };
}
