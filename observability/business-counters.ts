import { Counter, type Registry } from 'prom-client';

// The business counters, defined once. Each process registers the ones whose facts it learns: the
// API what it answers (enrolments, CEU reports, refused applications), the worker what only the
// workflow decides (fee tier of accepted applications, audits, reminders). Same names in both, so
// `sum by (…)` across jobs gives the whole picture.

export type FeeTier = 'in_cycle' | 'late' | 'reinstatement' | 'unknown';

export const enrolmentsCounter = (registry: Registry) =>
  new Counter({
    name: 'credentials_enrolled_total',
    help: 'Credentials enrolled (POST /credentials answered 202: a new workflow started).',
    registers: [registry],
  });

export const ceuCompletionsCounter = (registry: Registry) =>
  new Counter<'outcome'>({
    name: 'ceu_completions_total',
    help: 'CEU completion reports: accepted = signalled to the workflow (202); rejected = refused with 400 or 422.',
    labelNames: ['outcome'],
    registers: [registry],
  });

export const applicationsCounter = (registry: Registry) =>
  new Counter<'fee_tier' | 'outcome'>({
    name: 'applications_total',
    help: 'Renewal applications: accepted (worker, by fee tier) and rejected (API, 422, fee_tier="unknown").',
    labelNames: ['fee_tier', 'outcome'],
    registers: [registry],
  });

export const auditsCounter = (registry: Registry) =>
  new Counter<'event'>({
    name: 'audits_total',
    help: 'Audits: selected, passed, failed.',
    labelNames: ['event'],
    registers: [registry],
  });

export const remindersCounter = (registry: Registry) =>
  new Counter<'kind'>({
    name: 'reminders_requested_total',
    help: 'Reminders the workflows asked for and the worker recorded (once per reminder key), by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });

export const eventsCounter = (registry: Registry) =>
  new Counter<'type'>({
    name: 'domain_events_recorded_total',
    help: 'Domain events projected into PostgreSQL by the recordEvents (and v1 recordEvent) activity, by type; counted by the call that wrote them.',
    labelNames: ['type'],
    registers: [registry],
  });
