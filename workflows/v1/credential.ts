import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { dateAt, windowOn } from '../../rules';
import { SYSTEM, type CredentialInput, type CredentialOutcome } from '../contract';
import { emit, sendReminder } from './activities';
import { installHandlers } from './handlers';
import { planReminders, reminderRequest } from './reminders';
import {
  auditDeadlinePassed,
  carriedFacts,
  cycleStarted,
  hasLiveApplication,
  initialState,
  isRenewalApproved,
  lapse,
  nextCycle,
  phaseChanged,
  phaseOn,
  type CycleState,
} from './state';
import { upgradedInput, upgradeSignal } from './upgrade';
import { nextDeadline, searchAttributes, summarize } from './view';

/**
 * One credential, one cycle per run: in cycle → late window → reinstatement → lapsed, unless
 * renewed (continue-as-new into the next cycle) or revoked. The loop acts at the next moment
 * (a reminder or a deadline) or as soon as a signal/update changes the state.
 */
export async function credentialV1(input: CredentialInput): Promise<CredentialOutcome> {
  const state = initialState(input, Date.now());
  const tz = state.policy.timeZone;
  let phase = phaseOn(state, dateAt(Date.now(), tz));
  // Queued before the handlers exist, so signals buffered with the start are recorded after it;
  // facts carried in (next cycle, or an import's opening balance) are recorded once, by key.
  const started = emit([
    cycleStarted(state, Date.now(), workflowInfo().workflowId, phase),
    ...carriedFacts(state, Date.now()),
  ]);
  let changed = false;
  installHandlers(state, () => {
    changed = true;
  });
  let upgradeRequested = false;
  setHandler(upgradeSignal, () => {
    upgradeRequested = true;
    changed = true;
  });
  await started;
  const publish = publisher(state);

  for (;;) {
    // Reset first: anything that arrives while this iteration awaits wakes the next one at once.
    changed = false;
    if (upgradeRequested && !state.closed) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof credentialV1>(upgradedInput(state));
    }
    const now = Date.now();
    const today = dateAt(now, tz);

    await emit(auditDeadlinePassed(state, today, now));
    if (!state.closed && windowOn(state.dates, today) === 'lapsed' && !hasLiveApplication(state)) {
      await emit(lapse(state, today, now));
    }
    const current = phaseOn(state, today);
    if (current !== phase) {
      await emit([phaseChanged(state, now, phase, current, state.closed?.actor ?? SYSTEM)]);
      phase = current;
    }
    publish(now);

    if (state.closed) {
      await condition(allHandlersFinished);
      return {
        credentialNumber: input.credentialNumber,
        cycle: input.cycle,
        phase: state.closed.phase,
        closedOn: state.closed.on,
      };
    }
    if (isRenewalApproved(state)) {
      // The approving handler records the decision first; 'renewed' follows it.
      await condition(allHandlersFinished);
      await emit([nextCycle(state, Date.now()).event]);
      await condition(allHandlersFinished);
      // Computed after the last handler finished, so nothing reported meanwhile is lost.
      return continueAsNew<typeof credentialV1>(nextCycle(state, Date.now()).input);
    }

    const plan = planReminders(state, now);
    state.remindersSkipped.push(...plan.skip);
    for (const moment of plan.send) {
      state.remindersSent.push(moment.key);
      await sendReminder(reminderRequest(state, moment, now));
    }

    const deadline = nextDeadline(state, now);
    // The lapse date is a moment even while an application holds it: the view refreshes then.
    const lapseMoment = { what: 'lapse date (held by the pending application)', at: state.bounds.lapsesAt };
    const moments = [
      ...(deadline ? [{ what: deadline.what, at: deadline.at }] : []),
      ...(lapseMoment.at > now ? [lapseMoment] : []),
      ...(plan.nextAt !== null ? [{ what: 'reminder', at: plan.nextAt }] : []),
    ].sort((a, b) => a.at - b.at);
    const next = moments[0];
    if (!next) {
      // Only a decision (an update) can move the credential on now.
      await condition(() => changed);
    } else {
      const summary = `${next.what} at ${new Date(next.at).toISOString()}`;
      // Absolute instant minus workflow time: never a calendar period as ms.
      await condition(() => changed, Math.max(1, next.at - Date.now()), { summary });
    }
  }
}

/** Upserts search attributes and the UI's details only when they change (each upsert is an event). */
function publisher(state: CycleState): (now: number) => void {
  let lastAttributes = '';
  let lastDetails = '';
  return (now) => {
    const attributes = searchAttributes(state, now);
    const serialized = JSON.stringify(attributes.map((a) => [a.key.name, a.value]));
    if (serialized !== lastAttributes) {
      upsertSearchAttributes(attributes);
      lastAttributes = serialized;
    }
    const details = summarize(state, dateAt(now, state.policy.timeZone));
    if (details !== lastDetails) {
      setCurrentDetails(details);
      lastDetails = details;
    }
  };
}
