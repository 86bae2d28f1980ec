import { randomInt } from 'node:crypto';
import type { ParkedEvent, ProjectionReport, Repository } from '../db/types';
import { getPolicy } from '../rules/policies';
import type { CredentialEvent } from '../workflows/events';
import type { CredentialActivities } from './types';

/** Told what the projection did, for counters and logs (observability/instrument-activities.ts). */
export interface ProjectionObserver {
  /** An event this call wrote (not one recorded by an earlier attempt). */
  recorded(event: CredentialEvent): void;
  /** An event that can never be written, parked as a dead letter. */
  parked(event: ParkedEvent): void;
}

export interface ActivityDeps {
  repository: Pick<
    Repository,
    'recordEvents' | 'recordEvent' | 'recordReminder' | 'findCredential' | 'policyVersions'
  >;
  /** Source of audit draws, 0..9999; crypto-random unless a test scripts it. */
  auditDraw?: () => number;
  observer?: ProjectionObserver;
}

/** Activities are built from their dependencies by the worker; workflows see only their types. */
export function createActivities({
  repository,
  auditDraw = () => randomInt(0, 10_000),
  observer,
}: ActivityDeps): CredentialActivities {
  const observe = (report: ProjectionReport): ProjectionReport => {
    if (observer) {
      report.written.forEach((event) => observer.recorded(event));
      report.parked.forEach((event) => observer.parked(event));
    }
    return report;
  };

  return {
    async recordEvents(batch) {
      const report = observe(await repository.recordEvents(batch));
      // Only what the workflow needs goes into its history: keys, no error texts.
      return { recorded: report.recorded, parked: report.parked.map((p) => p.key) };
    },

    loadPolicyVersions: (policyId) => repository.policyVersions(policyId),

    async recordEvent(event) {
      observe(await repository.recordEvent(event));
    },

    async sendReminder(request) {
      // Records the reminder and queues it on the policy's channels in one transaction (the
      // outbox); the worker's dispatcher (delivery/) sends it. A retried activity queues nothing new.
      const credential = await repository.findCredential(request.credentialNumber);
      if (!credential) throw new Error(`Credential ${request.credentialNumber} is not recorded yet`);
      const { channels } = getPolicy(credential.policyId).reminders;
      await repository.recordReminder(request, Date.now(), channels);
    },

    // Crypto-random, and recorded in the workflow history by being an activity result.
    drawAuditNumber: () => Promise.resolve(auditDraw()),
  };
}

export type { CredentialActivities };
