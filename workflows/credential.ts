import { patched } from '@temporalio/workflow';
import type { CredentialInput, CredentialOutcome } from './contract';
import { runCycle } from './cycle/run';
import { credentialV1 } from './v1/credential';

/**
 * Runs of the first release carry no policy in their input and replay on the engine they were
 * recorded with (workflows/v1) until they are upgraded (the `upgrade` signal) or renew. Every other
 * run is the versioned engine. A new run started without a policy (a client talking to Temporal
 * directly) takes the versioned engine too: the patch marker tells it apart from a replayed one.
 */
export const VERSIONED_ENGINE_PATCH = 'versioned-engine';

/** One credential, one cycle per run (see ARCHITECTURE.md, "The state machine of one credential"). */
export function credential(input: CredentialInput): Promise<CredentialOutcome> {
  if (input.policy === undefined && input.resume === undefined && !patched(VERSIONED_ENGINE_PATCH)) {
    return credentialV1(input);
  }
  return runCycle(input);
}
