import { Counter, type Registry } from 'prom-client';

// The projection's own counters (worker): events it had to park, and statements sent to PostgreSQL
// by the node-postgres pools (the benchmark divides them by facts recorded).

export const parkedEventsCounter = (registry: Registry) =>
  new Counter<'type'>({
    name: 'projection_events_parked_total',
    help: 'Domain events the projection could never write (data or constraint error), parked as dead letters, by type. Alert on any increase; see npm run dead-letters.',
    labelNames: ['type'],
    registers: [registry],
  });

export const dbStatementsCounter = (registry: Registry) =>
  new Counter<'component'>({
    name: 'db_statements_total',
    help: 'SQL statements sent through the node-postgres pool of the hot paths (BEGIN and COMMIT included), by component.',
    labelNames: ['component'],
    registers: [registry],
  });
