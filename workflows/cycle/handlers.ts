import { ApplicationFailure, CancellationScope, currentUpdateInfo, setHandler } from '@temporalio/workflow';
import { receiptDay, receiptInstant, withVersion, type Rejection } from '../../rules';
import {
  COMMAND_REJECTED,
  decideAudit,
  decidePetition,
  filePetition,
  getState,
  publishPolicyVersion,
  recordingFailed,
  reportCeuCompletion,
  reportCprAed,
  revoke,
  submitApplication,
  submitAuditDocuments,
  upgrade,
  type ApplicationAccepted,
  type AuditView,
  type CredentialView,
  type PetitionDecided,
  type PetitionFiled,
} from '../contract';
import {
  DecideAuditMessage,
  DecidePetitionMessage,
  FilePetitionMessage,
  parseMessage,
  PolicyVersionMessage,
  RecordingFailedMessage,
  ReportCeuCompletionMessage,
  ReportCprAedMessage,
  RevokeMessage,
  SubmitApplicationMessage,
  SubmitAuditDocumentsMessage,
  UpgradeMessage,
} from '../messages';
import { local } from './activities';
import * as application from './application';
import { DESCRIPTIONS } from './descriptions';
import { event, SYSTEM } from './event';
import * as facts from './facts';
import * as lifecycle from './lifecycle';
import * as petitions from './petitions';
import type { Projector } from './projector';
import { idOf, refusal, senderOf } from './refusals';
import type { CycleState } from './state';
import { inTransition, closedTo, type Receipt } from './validators';
import * as validators from './validators';

/** Fails a command with every reason: details[0] is the Rejection[] (see contract.ts). No stack trace in the UI. */
export function rejected(reasons: readonly Rejection[]): ApplicationFailure {
  const failure = ApplicationFailure.create({
    type: COMMAND_REJECTED,
    message: reasons.map((r) => r.message).join(' '),
    details: [reasons],
    nonRetryable: true,
  });
  failure.stack = '';
  return failure;
}

function check(reasons: readonly Rejection[]): void {
  if (reasons.length > 0) throw rejected(reasons);
}

/** Parses a message in a validator: a malformed one is refused with what to send instead. */
function parsed<T>(schema: Parameters<typeof parseMessage<T>>[0], raw: unknown): T {
  const result = parseMessage(schema, raw);
  if (!result.ok) throw rejected(result.reasons);
  return result.value;
}

function receiptOf(state: CycleState, stamp: string | undefined): Receipt {
  const now = Date.now();
  return { at: receiptInstant(stamp, now), day: receiptDay(stamp, now, state.policy.timeZone) };
}

/** The outcome of this update if it was accepted before (by this run or one it continues). */
function remembered<T>(state: CycleState): T | undefined {
  const id = currentUpdateInfo()?.id;
  return id === undefined
    ? undefined
    : (state.outcomes.find((o) => o.updateId === id)?.result as T | undefined);
}

function remember<T>(state: CycleState, result: T): T {
  const id = currentUpdateInfo()?.id;
  if (id !== undefined) state.outcomes.push({ updateId: id, result, at: Date.now() });
  return result;
}

function auditView(state: CycleState): AuditView {
  const audit = state.audit;
  if (!audit) throw new Error('No audit in state after an audit command');
  const { selectedAt: _selectedAt, deadlineAt: _deadlineAt, ...view } = audit;
  return view;
}

/**
 * Wires the contract's messages to the state transitions. Every payload is parsed first; a signal
 * that fails is refused and the refusal recorded; an update that fails is rejected by its validator.
 * Handlers change the state synchronously, queue their events and wake the main loop.
 */
export function installHandlers(
  state: CycleState,
  projector: Projector,
  wake: () => void,
  view: () => CredentialView,
): void {
  const record = (events: Parameters<Projector['push']>[0]) => {
    projector.push(events);
    wake();
  };

  setHandler(getState, view, { description: DESCRIPTIONS.getState });

  setHandler(
    reportCeuCompletion,
    (raw: unknown) => {
      const now = Date.now();
      const message = parseMessage(ReportCeuCompletionMessage, raw);
      if (!message.ok) {
        const [source, id] = [idOf(raw, 'provider'), idOf(raw, 'completionId')];
        const report = source && id ? { kind: 'ceu' as const, source, id } : null;
        record([
          refusal(
            state,
            reportCeuCompletion.name,
            message.reasons,
            raw,
            now,
            senderOf(raw, 'reportedBy'),
            report,
          ),
        ]);
        return;
      }
      const day = receiptDay(message.value.receivedAt, now, state.policy.timeZone);
      record(facts.reportCompletion(state, message.value, day, now));
    },
    { description: DESCRIPTIONS.reportCeuCompletion },
  );

  setHandler(
    reportCprAed,
    (raw: unknown) => {
      const now = Date.now();
      const message = parseMessage(ReportCprAedMessage, raw);
      if (!message.ok) {
        const id = idOf(raw, 'certificationId');
        const report = id ? { kind: 'cpr_aed' as const, source: 'cpr', id } : null;
        record([
          refusal(state, reportCprAed.name, message.reasons, raw, now, senderOf(raw, 'reportedBy'), report),
        ]);
        return;
      }
      const day = receiptDay(message.value.receivedAt, now, state.policy.timeZone);
      record(facts.reportCprAed(state, message.value, day, now));
    },
    { description: DESCRIPTIONS.reportCprAed },
  );

  setHandler(
    publishPolicyVersion,
    (raw: unknown) => {
      const now = Date.now();
      const message = parseMessage(PolicyVersionMessage, raw);
      const version = message.ok ? message.value : null;
      if (!version || version.id !== state.policy.id) {
        const reasons: Rejection[] = message.ok
          ? [
              {
                code: 'invalid_message',
                message: `This credential runs under policy ${state.policy.id}, not ${version?.id}.`,
              },
            ]
          : message.reasons;
        record([refusal(state, publishPolicyVersion.name, reasons, raw, now, SYSTEM)]);
        return;
      }
      const known = state.versions.find((v) => v.version === version.version);
      if (known) return;
      state.versions = withVersion(state.versions, version);
      record([
        event(state, `policy:${version.id}:v${version.version}`, now, SYSTEM, {
          type: 'policy_version_received',
          policyId: version.id,
          version: version.version,
          effectiveFrom: version.effectiveFrom,
        }),
      ]);
    },
    { description: DESCRIPTIONS.publishPolicyVersion },
  );

  setHandler(
    upgrade,
    (raw: unknown) => {
      const message = parseMessage(UpgradeMessage, raw);
      if (!message.ok) {
        record([
          refusal(state, upgrade.name, message.reasons, raw, Date.now(), senderOf(raw, 'requestedBy')),
        ]);
        return;
      }
      state.upgrade ??= { requestedBy: message.value.requestedBy, reason: message.value.reason ?? null };
      wake();
    },
    { description: DESCRIPTIONS.upgrade },
  );

  setHandler(
    recordingFailed,
    (raw: unknown) => {
      const message = parseMessage(RecordingFailedMessage, raw);
      const reasons = message.ok ? projector.handBack(message.value.batch) : message.reasons;
      if (reasons) record([refusal(state, recordingFailed.name, reasons, raw, Date.now(), SYSTEM)]);
      else wake();
    },
    { description: DESCRIPTIONS.recordingFailed },
  );

  setHandler(
    filePetition,
    (raw: unknown): PetitionFiled => {
      const known = remembered<PetitionFiled>(state);
      if (known) return known;
      const cmd = parsed(FilePetitionMessage, raw);
      const received = receiptOf(state, cmd.receivedAt);
      const { petition, events } = petitions.filePetition(state, cmd, received.day, Date.now());
      record(events);
      return remember(state, { petitionId: petition.petitionId, fee: petition.fee });
    },
    {
      validator: (raw: unknown) => {
        if (remembered(state)) return;
        const cmd = parsed(FilePetitionMessage, raw);
        const received = receiptOf(state, cmd.receivedAt);
        check(inTransition(state));
        check([...closedTo(state, received), ...validators.validateFilePetition(state, cmd, received)]);
      },
      description: DESCRIPTIONS.filePetition,
    },
  );

  setHandler(
    decidePetition,
    (raw: unknown): PetitionDecided => {
      const known = remembered<PetitionDecided>(state);
      if (known) return known;
      const cmd = parsed(DecidePetitionMessage, raw);
      const received = receiptOf(state, cmd.receivedAt);
      const { petition, events } = petitions.decidePetition(state, cmd, received.day, Date.now());
      record(events);
      return remember(state, petition);
    },
    {
      validator: (raw: unknown) => {
        if (remembered(state)) return;
        const cmd = parsed(DecidePetitionMessage, raw);
        const received = receiptOf(state, cmd.receivedAt);
        check(inTransition(state));
        check([...closedTo(state, received), ...validators.validateDecidePetition(state, cmd)]);
      },
      description: DESCRIPTIONS.decidePetition,
    },
  );

  setHandler(
    submitApplication,
    async (raw: unknown): Promise<ApplicationAccepted> => {
      const known = remembered<ApplicationAccepted>(state);
      if (known) return known;
      const cmd = parsed(SubmitApplicationMessage, raw);
      const received = receiptOf(state, cmd.receivedAt);
      // Holds off a second application while the draw is on its way (validators see it as pending).
      state.receiving = true;
      let draw: number;
      try {
        // An activity, so the draw is recorded in history and replays identically.
        draw = await CancellationScope.nonCancellable(() => local.drawAuditNumber());
      } finally {
        state.receiving = false;
      }
      const evaluation = application.evaluate(state, cmd, received.day);
      // The state may have moved during the draw (a revocation): the command fails with its reasons.
      if (!evaluation.eligible) throw rejected(evaluation.reasons);
      record(application.receiveApplication(state, cmd, evaluation, received.day, draw, Date.now()));
      const accepted = state.application;
      const audit = state.audit?.applicationId === accepted?.applicationId ? state.audit : null;
      if (!accepted || !evaluation.quote.accepted)
        throw new Error('Application vanished after it was received');
      return remember(state, {
        applicationId: accepted.applicationId,
        receivedOn: received.day,
        fee: evaluation.quote,
        auditSelected: audit !== null,
        auditDocumentsDueOn: audit?.documentsDueOn ?? null,
      });
    },
    {
      validator: (raw: unknown) => {
        if (remembered(state)) return;
        const cmd = parsed(SubmitApplicationMessage, raw);
        check(inTransition(state));
        check(application.evaluate(state, cmd, receiptOf(state, cmd.receivedAt).day).reasons);
      },
      description: DESCRIPTIONS.submitApplication,
    },
  );

  setHandler(
    submitAuditDocuments,
    (raw: unknown): AuditView => {
      const known = remembered<AuditView>(state);
      if (known) return known;
      const cmd = parsed(SubmitAuditDocumentsMessage, raw);
      record(application.submitAuditDocuments(state, cmd, Date.now()));
      return remember(state, auditView(state));
    },
    {
      validator: (raw: unknown) => {
        if (remembered(state)) return;
        const cmd = parsed(SubmitAuditDocumentsMessage, raw);
        const received = receiptOf(state, cmd.receivedAt);
        check(inTransition(state));
        check([
          ...closedTo(state, received),
          ...validators.validateSubmitAuditDocuments(state, cmd, received),
        ]);
      },
      description: DESCRIPTIONS.submitAuditDocuments,
    },
  );

  setHandler(
    decideAudit,
    (raw: unknown): AuditView => {
      const known = remembered<AuditView>(state);
      if (known) return known;
      const cmd = parsed(DecideAuditMessage, raw);
      const received = receiptOf(state, cmd.receivedAt);
      record(application.decideAudit(state, cmd, received.day, Date.now()));
      return remember(state, auditView(state));
    },
    {
      validator: (raw: unknown) => {
        if (remembered(state)) return;
        const cmd = parsed(DecideAuditMessage, raw);
        const received = receiptOf(state, cmd.receivedAt);
        check(inTransition(state));
        check([...closedTo(state, received), ...validators.validateDecideAudit(state, cmd)]);
      },
      description: DESCRIPTIONS.decideAudit,
    },
  );

  setHandler(
    revoke,
    (raw: unknown): CredentialView => {
      const cmd = parsed(RevokeMessage, raw);
      const received = receiptOf(state, cmd.receivedAt);
      record(lifecycle.revoke(state, cmd, received.day, Date.now()));
      return view();
    },
    {
      validator: (raw: unknown) => {
        const cmd = parsed(RevokeMessage, raw);
        const received = receiptOf(state, cmd.receivedAt);
        check(inTransition(state));
        check([...closedTo(state, received), ...validators.validateRevoke(state, cmd)]);
      },
      description: DESCRIPTIONS.revoke,
    },
  );
}
