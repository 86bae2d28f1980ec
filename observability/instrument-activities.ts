import type { Registry } from 'prom-client';
import type { ProjectionObserver } from '../activities';
import type { CredentialActivities } from '../activities/types';
import type { CredentialEvent } from '../workflows/events';
import { applicationsCounter, auditsCounter, eventsCounter, remindersCounter } from './business-counters';
import { dbStatementsCounter, parkedEventsCounter } from './projection-metrics';

export type WorkerBusinessMetrics = ReturnType<typeof createWorkerBusinessMetrics>;

/** The counters whose facts only the workflow knows, registered in the worker's registry. */
export function createWorkerBusinessMetrics(registry: Registry) {
  return {
    applications: applicationsCounter(registry),
    audits: auditsCounter(registry),
    reminders: remindersCounter(registry),
    events: eventsCounter(registry),
    parked: parkedEventsCounter(registry),
    dbStatements: dbStatementsCounter(registry),
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
    case 'reminder_due':
      metrics.reminders.inc({ kind: event.reminder.kind });
      break;
    default:
      break;
  }
}

/**
 * Counts each fact the projection wrote and logs it (debug) through the logger it is given (the
 * activity's or the recording sink's: both carry workflowId and the API's requestId); a parked event
 * increments projection_events_parked_total and logs one error line with IDs only. A fact is counted
 * by the call that wrote it, so a retried write does not count it twice.
 */
export function projectionObserver(metrics: WorkerBusinessMetrics): ProjectionObserver {
  return {
    recorded(event, log) {
      count(metrics, event);
      // Debug: one line per recorded fact is a firehose at info; the metrics count them.
      log.debug('domain event recorded', { eventType: event.type, cycle: event.cycle });
    },
    parked(event, log) {
      const ids = {
        credentialNumber: event.credentialNumber,
        eventKey: event.key,
        eventType: event.type,
        sqlState: event.code,
      };
      if (!event.firstTime) {
        log.warn('domain event parked again', ids);
        return;
      }
      metrics.parked.inc({ type: event.type });
      log.error('domain event parked: it can never be written (see npm run dead-letters)', ids);
    },
  };
}

/** Wraps the v1 reminder activity: counts each reminder recorded (at least once). */
export function instrumentActivities(
  activities: CredentialActivities,
  metrics: WorkerBusinessMetrics,
): CredentialActivities {
  return {
    ...activities,
    async sendReminder(request) {
      await activities.sendReminder(request);
      metrics.reminders.inc({ kind: request.reminder.kind });
    },
  };
}
