import { randomInt } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Logger } from '@temporalio/common';
import type { ParkedEvent, ProjectionReport, Repository } from '../db/types';
import { getPolicy } from '../rules/policies';
import type { BatchResult, CredentialEvent, EventBatch } from '../workflows/events';
import type { CredentialActivities } from './types';

/** Told what the projection did, for counters and logs (observability/instrument-activities.ts). */
export interface ProjectionObserver {
  /** An event this call wrote (not one recorded by an earlier attempt). */
  recorded(event: CredentialEvent, log: Logger): void;
  /** An event that can never be written, parked as a dead letter. */
  parked(event: ParkedEvent, log: Logger): void;
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

type RecordDeps = Pick<ActivityDeps, 'repository' | 'observer'>;

/** Tells the observer what a write did; `log` is asked only when there is one to tell. */
function observe(
  observer: ProjectionObserver | undefined,
  report: ProjectionReport,
  log: () => Logger,
): void {
  if (!observer) return;
  report.written.forEach((event) => observer.recorded(event, log()));
  report.parked.forEach((event) => observer.parked(event, log()));
}

/**
 * Writes a batch and tells the observer, logging on `log()`: the activity's logger in an activity,
 * the worker's in its sink (worker/projection-sink.ts). Only what the workflow needs comes back.
 */
export function batchRecorder({
  repository,
  observer,
}: RecordDeps): (batch: EventBatch, log: () => Logger) => Promise<BatchResult> {
  return async (batch, log) => {
    const report = await repository.recordEvents(batch);
    observe(observer, report, log);
    return { recorded: report.recorded, parked: report.parked.map((p) => p.key) };
  };
}

/** Activities are built from their dependencies by the worker; workflows see only their types. */
export function createActivities({
  repository,
  auditDraw = () => randomInt(0, 10_000),
  observer,
}: ActivityDeps): CredentialActivities {
  const record = batchRecorder({ repository, observer });
  const activityLog = () => Context.current().log;

  return {
    recordEvents: (batch) => record(batch, activityLog),

    loadPolicyVersions: (policyId) => repository.policyVersions(policyId),

    async recordEvent(event) {
      observe(observer, await repository.recordEvent(event), activityLog);
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
