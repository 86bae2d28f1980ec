import { randomInt } from 'node:crypto';
import type { Repository } from '../db/types';
import type { CredentialActivities } from './types';

export interface ActivityDeps {
  repository: Pick<Repository, 'recordEvent' | 'recordReminder'>;
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
      // Recording is the once-only guard; delivery (a later issue) will happen only when it is new.
      await repository.recordReminder(request, Date.now());
    },

    // Crypto-random, and recorded in the workflow history by being an activity result.
    drawAuditNumber: () => Promise.resolve(auditDraw()),
  };
}

export type { CredentialActivities };
