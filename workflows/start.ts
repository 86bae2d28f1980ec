import type { SearchAttributePair } from '@temporalio/common';
import { policyInForce, versionsFrom, type CalendarDate, type Policy } from '../rules';
import { credentialWorkflowId, type CarriedOver, type CredentialInput } from './contract';
import { createState, type CycleState } from './cycle/state';
import { searchAttributesOf, type ViewSource } from './view';

// How a credential's workflow is started: the one place enrolment, bulk import and continue-as-new
// build a run's input and the search attributes it starts with. Pure, so the API uses it too.

export interface NewCredential {
  readonly credentialNumber: string;
  readonly certifiedOn: CalendarDate;
  /** Every version of the credential's policy (from the database). */
  readonly versions: readonly Policy[];
  /** Imports start mid-way: the current cycle and its start (default: cycle 1 on the certification date). */
  readonly cycle?: number;
  readonly cycleStart?: CalendarDate;
  readonly carried?: CarriedOver;
}

/** The input of a new credential's first run: the rules in force on its cycle's first day, pinned. */
export function newCredentialInput(c: NewCredential): CredentialInput {
  const cycleStart = c.cycleStart ?? c.certifiedOn;
  const policy = policyInForce(c.versions, cycleStart);
  return {
    credentialNumber: c.credentialNumber,
    policyId: policy.id,
    certifiedOn: c.certifiedOn,
    cycle: c.cycle ?? 1,
    cycleStart,
    ...(c.carried ? { carried: c.carried } : {}),
    policy,
    policyVersions: versionsFrom(c.versions, cycleStart),
  };
}

/** An input built without its rules (an import row, an older client) pinned to the versions given. */
export function withRules(input: CredentialInput, versions: readonly Policy[]): CredentialInput {
  return {
    ...input,
    policy: policyInForce(versions, input.cycleStart),
    policyVersions: versionsFrom(versions, input.cycleStart),
  };
}

export function viewSource(state: CycleState): ViewSource {
  return {
    credentialNumber: state.input.credentialNumber,
    certifiedOn: state.input.certifiedOn,
    cycle: state.input.cycle,
    policy: state.policy,
    versions: state.versions,
    dates: state.dates,
    facts: state,
    closed: state.closed,
  };
}

/** The search attributes a run starts with, from its input alone (so the run need not upsert them). */
export function startAttributesOf(input: CredentialInput, now: number): SearchAttributePair[] {
  const policy = input.policy;
  if (!policy) return [];
  const state = createState(input, policy, input.policyVersions ?? [policy], now);
  return searchAttributesOf(viewSource(state), now).filter(
    (pair) => pair.value !== null,
  ) as SearchAttributePair[];
}

/**
 * What every run this code starts carries besides its facts (enrolment, import, continue-as-new).
 * `recordsBySink` spares a new run its `patched()` call: each such call writes a marker and an upsert
 * of the TemporalChangeVersion search attribute, a visibility write of Temporal's, at every start
 * (bench/RESULTS.md, "What a new run's patch costs").
 */
export function withStartFlags(input: CredentialInput): CredentialInput {
  return { ...input, recordsBySink: true };
}

/** Everything `client.workflow.start` needs besides the task queue. */
export function startOptions(input: CredentialInput, now: number) {
  return {
    workflowId: credentialWorkflowId(input.credentialNumber),
    args: [withStartFlags(input)] as [CredentialInput],
    typedSearchAttributes: startAttributesOf(input, now),
    staticSummary: `Credential ${input.credentialNumber} (${input.policyId})`,
  };
}
