import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { dateAt, petitionFee, type Rejection } from '../../rules';
import {
  COMMAND_REJECTED,
  decideAudit,
  decidePetition,
  filePetition,
  getState,
  reportCeuCompletion,
  reportCprAed,
  revoke,
  submitApplication,
  submitAuditDocuments,
  type ApplicationAccepted,
  type AuditView,
  type DecideAudit,
  type DecidePetition,
  type FilePetition,
  type Revoke,
  type SubmitApplication,
  type SubmitAuditDocuments,
} from '../contract';
import { drawAuditNumber, emit } from './activities';
import * as transitions from './state';
import type { CycleState } from './state';
import * as validators from './validators';
import { buildView } from './view';

/** Fails a command with every reason: details[0] is the Rejection[] (see contract.ts). */
export function rejected(reasons: readonly Rejection[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: COMMAND_REJECTED,
    message: reasons.map((r) => r.message).join(' '),
    details: [reasons],
    nonRetryable: true,
  });
}

function check(reasons: readonly Rejection[]): void {
  if (reasons.length > 0) throw rejected(reasons);
}

/** A malformed command (bad amount, bad date) is a rejection too, not a workflow bug. */
function guarded(validate: () => readonly Rejection[]): void {
  let reasons: readonly Rejection[];
  try {
    reasons = validate();
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    reasons = [{ code: 'invalid_request', message: err.message }];
  }
  check(reasons);
}

function auditView(state: CycleState): AuditView {
  const audit = state.audit;
  if (!audit) throw new Error('No audit in state after an audit command');
  const { selectedAt: _selectedAt, deadlineAt: _deadlineAt, ...view } = audit;
  return view;
}

/**
 * Wires the contract's messages to the state transitions. Each handler changes the state
 * synchronously, then `wake`s the main loop, then records its events.
 */
export function installHandlers(state: CycleState, wake: () => void): void {
  const now = () => Date.now();
  const today = () => dateAt(Date.now(), state.policy.timeZone);

  setHandler(getState, () => buildView(state, now()));

  setHandler(reportCeuCompletion, async (report) => {
    const events = transitions.reportCompletion(state, report, now());
    if (events.length > 0) wake();
    await emit(events);
  });

  setHandler(reportCprAed, async (report) => {
    const events = transitions.reportCprAed(state, report, now());
    if (events.length > 0) wake();
    await emit(events);
  });

  setHandler(
    filePetition,
    async (cmd) => {
      const fee = petitionFee(state.policy);
      const { petition, events } = transitions.filePetition(state, cmd, today(), now(), fee);
      wake();
      await emit(events);
      return { petitionId: petition.petitionId, fee: petition.fee };
    },
    { validator: (cmd: FilePetition) => guarded(() => validators.validateFilePetition(state, cmd, today())) },
  );

  setHandler(
    decidePetition,
    async (cmd) => {
      const { petition, events } = transitions.decidePetition(state, cmd, today(), now());
      wake();
      await emit(events);
      return petition;
    },
    { validator: (cmd: DecidePetition) => guarded(() => validators.validateDecidePetition(state, cmd)) },
  );

  setHandler(
    submitApplication,
    async (cmd): Promise<ApplicationAccepted> => {
      const receivedOn = today();
      const evaluation = transitions.evaluate(state, cmd, receivedOn);
      if (!evaluation.eligible || !evaluation.quote.accepted) throw rejected(evaluation.reasons);
      const fee = evaluation.quote;
      const received = transitions.receiveApplication(state, cmd, evaluation, receivedOn, now());
      const applicationId = state.application?.applicationId ?? '';
      wake();
      await emit(received);
      // An activity, so the draw is recorded in history and replays identically.
      const draw = await drawAuditNumber();
      const selection = transitions.applyAuditDraw(state, draw, today(), now());
      wake();
      await emit(selection);
      const audit = state.audit?.applicationId === applicationId ? state.audit : null;
      return {
        applicationId,
        receivedOn,
        fee,
        auditSelected: audit !== null,
        auditDocumentsDueOn: audit?.documentsDueOn ?? null,
      };
    },
    {
      validator: (cmd: SubmitApplication) => guarded(() => transitions.evaluate(state, cmd, today()).reasons),
    },
  );

  setHandler(
    submitAuditDocuments,
    async (cmd) => {
      const events = transitions.submitAuditDocuments(state, cmd, now());
      wake();
      await emit(events);
      return auditView(state);
    },
    {
      validator: (cmd: SubmitAuditDocuments) =>
        guarded(() => validators.validateSubmitAuditDocuments(state, cmd, now())),
    },
  );

  setHandler(
    decideAudit,
    async (cmd) => {
      const events = transitions.decideAudit(state, cmd, today(), now());
      wake();
      await emit(events);
      return auditView(state);
    },
    { validator: (cmd: DecideAudit) => guarded(() => validators.validateDecideAudit(state, cmd)) },
  );

  setHandler(
    revoke,
    async (cmd) => {
      const events = transitions.revoke(state, cmd, today(), now());
      wake();
      const view = buildView(state, now());
      await emit(events);
      return view;
    },
    { validator: (cmd: Revoke) => guarded(() => validators.validateRevoke(state, cmd)) },
  );
}
