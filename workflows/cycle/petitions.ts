import { compareDates, petitionFee, type CalendarDate } from '../../rules';
import type { DecidePetition, FilePetition, PetitionDecided, PetitionState } from '../contract';
import type { CredentialEvent } from '../events';
import { event } from './event';
import { balanceOn, rulesOn, type CycleState } from './state';

// Petitions for courses that are not pre-approved: the fee is charged on filing (non-refundable),
// ops approve (up to the requested CEUs) or deny with a reason.

export function filePetition(
  state: CycleState,
  cmd: FilePetition,
  receivedOn: CalendarDate,
  at: number,
): { petition: PetitionState; events: CredentialEvent[] } {
  state.counters.petitions += 1;
  const petition: PetitionState = {
    petitionId: `${state.input.credentialNumber}-c${state.input.cycle}-pet${state.counters.petitions}`,
    course: cmd.course,
    provider: cmd.provider ?? null,
    requestedUnits: cmd.requestedUnits,
    completedOn: cmd.completedOn,
    fee: petitionFee(rulesOn(state, receivedOn)),
    paymentReference: cmd.paymentReference,
    filedOn: receivedOn,
    status: 'pending',
    grantedUnits: null,
    reason: null,
    decidedOn: null,
  };
  state.petitions.push(petition);
  return {
    petition,
    events: [
      event(state, `petition:${petition.petitionId}:filed`, at, cmd.filedBy, {
        type: 'petition_filed',
        petition,
        amountPaid: cmd.amountPaid,
      }),
    ],
  };
}

/** Approved for a course before this cycle: its cycle has already renewed, so the CEUs count nowhere. */
function renewedCycleNote(state: CycleState, petition: PetitionState): string | null {
  if (petition.status !== 'approved' || compareDates(petition.completedOn, state.dates.start) >= 0)
    return null;
  const previous = state.previous?.dates;
  const cycle = previous
    ? `the cycle ${previous.start} to ${previous.expiration}, which has already renewed`
    : `a cycle before this one (which starts ${state.dates.start})`;
  return (
    `Approved, but the course was completed on ${petition.completedOn}, in ${cycle}: ` +
    'the granted CEUs cannot count toward any open cycle. The petition fee stays paid.'
  );
}

export function decidePetition(
  state: CycleState,
  cmd: DecidePetition,
  decidedOn: CalendarDate,
  at: number,
): { petition: PetitionDecided; events: CredentialEvent[] } {
  const index = state.petitions.findIndex((p) => p.petitionId === cmd.petitionId);
  const current = state.petitions[index];
  if (!current) throw new Error(`Petition ${cmd.petitionId} vanished between validation and handling`);
  const approved = cmd.decision === 'approved';
  const petition: PetitionState = {
    ...current,
    status: cmd.decision,
    grantedUnits: approved ? (cmd.grantedUnits ?? current.requestedUnits) : null,
    reason: cmd.reason?.trim() || null,
    decidedOn,
  };
  state.petitions[index] = petition;
  const note = renewedCycleNote(state, petition);
  return {
    petition: { ...petition, note },
    events: [
      event(state, `petition:${petition.petitionId}:decided`, at, cmd.decidedBy, {
        type: 'petition_decided',
        petition,
        reason: petition.reason,
        note,
        ceusEarned: balanceOn(state, decidedOn).earned,
      }),
    ],
  };
}
