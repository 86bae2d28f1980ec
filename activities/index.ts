import { randomInt } from 'node:crypto';
import type { Repository } from '../db/types';
import { getPolicy } from '../rules/policies';
import type { CredentialActivities } from './types';

export interface ActivityDeps {
  repository: Pick<Repository, 'recordEvent' | 'recordReminder' | 'findCredential'>;
  /** Source of audit draws, 0..9999; crypto-random unless a test scripts it. */
  auditDraw?: () => number;
}

/** Activities are built from their dependencies by the worker; workflows see only their types. */
export function createActivities({
  repository,
  auditDraw = () => randomInt(0, 10_000),
}: ActivityDeps): CredentialActivities {
  return {
    recordEvent: (event) => repository.recordEvent(event),

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
