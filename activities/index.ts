import type { CredentialRepository } from '../db/credential-repository';
import type { CycleDates } from '../rules/types';

export interface ActivityDeps {
  repository: CredentialRepository;
}

export interface CycleStartedInput {
  credentialNumber: string;
  workflowId: string;
  policyId: string;
  cycle: number;
  dates: CycleDates;
  /** Workflow time of the transition, so a retried activity records the same instant. */
  occurredAt: number;
}

/** Activities are built from their dependencies by the worker; workflows see only their types. */
export function createActivities({ repository }: ActivityDeps) {
  return {
    async recordCycleStarted(input: CycleStartedInput): Promise<void> {
      await repository.recordCycleStarted({
        ...input,
        phase: 'Active',
        occurredAt: new Date(input.occurredAt),
      });
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
