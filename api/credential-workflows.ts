import { type Client, type WorkflowHandle, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { Repository } from '../db/types';
import type { CalendarDate } from '../rules/types';
import type { credential } from '../workflows';
import {
  type Actor,
  CREDENTIAL_WORKFLOW_TYPE,
  type CredentialInput,
  type CredentialView,
  credentialWorkflowId,
  getState,
} from '../workflows/contract';
import { startOptions, withRules } from '../workflows/start';
import { AppError } from './errors';
import { policyVersionCache } from './policy-version-cache';
import { fromTemporal, isNotFound, isTransient, rejectedError, rejectionsOf } from './temporal-errors';

/** How long a read waits for the worker to answer a query before the API answers 503. */
const QUERY_DEADLINE_MS = 10_000;
/** How long a command waits for its outcome; after it, 503 and the caller retries (with its Idempotency-Key). */
const COMMAND_DEADLINE_MS = 30_000;

export interface UpdateOptions {
  /** The caller's Idempotency-Key: the update id, so a repeat returns the first outcome. */
  readonly idempotencyKey?: string;
  readonly actor: Actor;
}

/** How a start ended: a repeat with the same certification date and policy is not a conflict. */
export type Enrolment =
  | { readonly outcome: 'started' | 'already_enrolled' }
  | { readonly outcome: 'conflict'; readonly existing: { certifiedOn: CalendarDate; policyId: string } };

/**
 * The API's only door to credential workflows: queries, signals and updates, with Temporal's errors
 * turned into AppErrors, and refused commands recorded (they never reach the workflow's history).
 */
export function createCredentialWorkflows(client: Client, repository: Repository, now: () => number) {
  const versions = policyVersionCache(repository, now);
  const handleOf = (number: string): WorkflowHandle =>
    client.workflow.getHandle(credentialWorkflowId(number));

  /** Not found: either the number was never enrolled (404) or its workflow has closed (409). */
  async function notFound(number: string): Promise<AppError> {
    try {
      const description = await handleOf(number).describe();
      if (description.status.name !== 'RUNNING') {
        return new AppError(
          'closed',
          `Credential ${number} is closed (${description.status.name.toLowerCase()}): it takes no more commands.`,
        );
      }
    } catch (err) {
      if (!isNotFound(err)) throw fromTemporal(err, 'lookup');
    }
    return new AppError('not_found', `No credential ${number}.`);
  }

  async function state(number: string): Promise<CredentialView> {
    try {
      return await client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
        handleOf(number).query(getState),
      );
    } catch (err) {
      if (isNotFound(err)) throw new AppError('not_found', `No credential ${number}.`);
      throw fromTemporal(err, 'query');
    }
  }

  /**
   * The one place credential workflows start: enrolment and bulk import alike. The run gets the
   * rules it is pinned to and the versions it may need, from the database, in its input.
   */
  async function enrol(given: CredentialInput, taskQueue: string): Promise<Enrolment> {
    // Temporal forgets a closed (lapsed, revoked) workflow after the namespace's retention; the
    // database does not, so it is asked first and a number stays enrolled once, ever.
    const recorded = await repository.findCredential(given.credentialNumber);
    if (recorded) return compare(given, recorded);
    const input = given.policy ? given : withRules(given, await versions(given.policyId));
    try {
      await client.workflow.start<typeof credential>(CREDENTIAL_WORKFLOW_TYPE, {
        ...startOptions(input, now()),
        taskQueue,
        // A credential number is enrolled once, ever: a closed (lapsed) workflow is not restarted.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return { outcome: 'started' };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw fromTemporal(err, 'enrolment');
    }
    return compare(input, await state(input.credentialNumber));
  }

  function compare(
    input: CredentialInput,
    { certifiedOn, policyId }: { certifiedOn: string; policyId: string },
  ): Enrolment {
    return certifiedOn === input.certifiedOn && policyId === input.policyId
      ? { outcome: 'already_enrolled' }
      : { outcome: 'conflict', existing: { certifiedOn, policyId } };
  }

  async function signal<T>(number: string, def: SignalDefinition<[T]>, arg: T): Promise<void> {
    try {
      await client.connection.withDeadline(Date.now() + COMMAND_DEADLINE_MS, () =>
        handleOf(number).signal(def, arg),
      );
    } catch (err) {
      if (isNotFound(err)) throw await notFound(number);
      throw fromTemporal(err, def.name);
    }
  }

  async function update<Ret, T>(
    number: string,
    def: UpdateDefinition<Ret, [T]>,
    command: T,
    { idempotencyKey, actor }: UpdateOptions,
  ): Promise<Ret> {
    try {
      return await client.connection.withDeadline(Date.now() + COMMAND_DEADLINE_MS, () =>
        handleOf(number).executeUpdate(def, {
          args: [command],
          // Scoped by update name so one key reused on another route cannot collide.
          ...(idempotencyKey ? { updateId: `${def.name}:${idempotencyKey}` } : {}),
        }),
      );
    } catch (err) {
      if (isNotFound(err)) throw await notFound(number);
      const reasons = rejectionsOf(err);
      // "Renewal/upgrade in progress" is not a refusal of the command, only "retry in a moment": not recorded.
      if (reasons && !isTransient(reasons)) {
        // Awaited: if this write fails the caller gets a 500 and retries, so no refusal goes unrecorded.
        await repository.recordRejectedCommand({
          credentialNumber: number,
          type: def.name,
          actor,
          reasons,
          data: command,
          at: now(),
        });
      }
      if (reasons) throw rejectedError(def.name, reasons);
      throw fromTemporal(err, def.name);
    }
  }

  return {
    handleOf,
    state,
    enrol,
    signal,
    update,
    /** A policy's versions, cached (api/policy-version-cache.ts); enrolment and report checks share them. */
    policyVersions: (policyId: string) => versions(policyId),
    forgetPolicyVersions: versions.forget,
  };
}

export type CredentialWorkflows = ReturnType<typeof createCredentialWorkflows>;
