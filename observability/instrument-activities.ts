import { Context } from '@temporalio/activity';
import type { Registry } from 'prom-client';
import type { CredentialActivities } from '../activities/types';
import type { CredentialEvent } from '../workflows/events';
import { applicationsCounter, auditsCounter, eventsCounter, remindersCounter } from './business-counters';

export type WorkerBusinessMetrics = ReturnType<typeof createWorkerBusinessMetrics>;

/** The counters whose facts only the workflow knows, registered in the worker's registry. */
export function createWorkerBusinessMetrics(registry: Registry) {
  return {
    applications: applicationsCounter(registry),
    audits: auditsCounter(registry),
    reminders: remindersCounter(registry),
    events: eventsCounter(registry),
  };
}

function count(metrics: WorkerBusinessMetrics, event: CredentialEvent): void {
  metrics.events.inc({ type: event.type });
  switch (event.type) {
    case 'application_received':
      metrics.applications.inc({ fee_tier: event.fee.window, outcome: 'accepted' });
      break;
    case 'audit_selected':
      metrics.audits.inc({ event: 'selected' });
      break;
    case 'audit_decided':
      metrics.audits.inc({ event: event.outcome });
      break;
    default:
      break;
  }
}

/**
 * Wraps the activities: counts each fact after it is recorded and logs it (debug) through the
 * activity logger (which carries workflowId and the API's requestId). Counting is at least once: an activity
 * retried after a successful write that timed out counts twice (rare; the database is exact).
 */
export function instrumentActivities(
  activities: CredentialActivities,
  metrics: WorkerBusinessMetrics,
): CredentialActivities {
  return {
    ...activities,
    async recordEvent(event) {
      await activities.recordEvent(event);
      count(metrics, event);
      // Debug: one line per recorded fact is a firehose at info; the metrics above count them.
      Context.current().log.debug('domain event recorded', { eventType: event.type, cycle: event.cycle });
    },
    async sendReminder(request) {
      await activities.sendReminder(request);
      metrics.reminders.inc({ kind: request.reminder.kind });
    },
  };
}
