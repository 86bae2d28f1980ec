import { defineSignal } from '@temporalio/workflow';
import type { CredentialInput, UpgradeRequest } from '../contract';
import type { CycleState } from './state';

// The one addition to the frozen first-release engine: ops can move a run onto the versioned engine
// (`temporal workflow signal --name upgrade --query ...`). Its whole state travels as a snapshot; the
// versioned engine reads the policy versions from the database (recorded by a local activity).

export const upgradeSignal = defineSignal<[UpgradeRequest]>('upgrade');

export function upgradedInput(state: CycleState): CredentialInput {
  const { input } = state;
  return {
    credentialNumber: input.credentialNumber,
    policyId: input.policyId,
    certifiedOn: input.certifiedOn,
    cycle: input.cycle,
    cycleStart: input.cycleStart,
    policy: state.policy,
    resume: {
      runStartedAt: state.runStartedAt,
      completions: state.completions,
      cprAed: state.cprAed,
      petitions: state.petitions,
      consumed: state.consumed,
      application: state.application,
      audit: state.audit,
      forceAudit: state.forceAudit,
      remindersSent: state.remindersSent,
      remindersSkipped: state.remindersSkipped,
      counters: state.counters,
      commandOutcomes: [],
      previous: null,
      pendingEvents: [],
    },
  };
}
