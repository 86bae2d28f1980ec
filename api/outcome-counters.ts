import type { Registry } from 'prom-client';
import {
  applicationsCounter,
  ceuCompletionsCounter,
  enrolmentsCounter,
} from '../observability/business-counters';

export type ApiBusinessMetrics = ReturnType<typeof createApiBusinessMetrics>;

/** The business facts the API learns from its own answers. */
export function createApiBusinessMetrics(registry: Registry) {
  return {
    enrolments: enrolmentsCounter(registry),
    ceuCompletions: ceuCompletionsCounter(registry),
    applications: applicationsCounter(registry),
  };
}

/**
 * Counts by operation and status, once the answer is sent: the routes stay free of metrics code.
 * A refused application's fee tier is not known here (the workflow refused it before quoting).
 */
export function countOutcome(metrics: ApiBusinessMetrics, operationId: string, status: number): void {
  switch (operationId) {
    case 'enrolCredential':
      // 200 is a repeat of an earlier enrolment: not counted twice.
      if (status === 202) metrics.enrolments.inc();
      break;
    case 'reportCeuCompletion':
      if (status === 202) metrics.ceuCompletions.inc({ outcome: 'accepted' });
      else if (status === 400 || status === 422) metrics.ceuCompletions.inc({ outcome: 'rejected' });
      break;
    case 'submitApplication':
      if (status === 422) metrics.applications.inc({ fee_tier: 'unknown', outcome: 'rejected' });
      break;
    default:
      break;
  }
}
