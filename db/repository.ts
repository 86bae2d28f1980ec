import { createApiKey, findApiKey } from './api-keys';
import { connectionStringOf, type Db } from './client';
import { readCredential } from './credential-read';
import { abnormalWorkflows, findCredentialState, markWorkflowStatus } from './credential-state';
import { findCommandReceipt, saveCommandReceipt } from './command-receipts';
import { history, recordRejectedCommand } from './history';
import { findHolder, saveHolder } from './holders';
import { addPolicyVersion, allPolicyVersions, policyVersions } from './policy-versions';
import { projectEvent } from './projection';
import { findCredential, findRecords, listCredentials } from './queries';
import { recordEvents } from './record-events';
import { recordReminder } from './reminders';
import { recordedReport, reportOutcome, reportOutcomeFeed, reportOutcomesFor } from './report-outcomes';
import { createSqlPool, type SqlPool } from './sql-pool';
import type { Repository } from './types';

export interface RepositoryOptions {
  /**
   * The node-postgres pool of the hot paths (projection, reads without the workflow); the repository
   * owns it and ends it on close. Default: a pool on the Prisma client's database.
   */
  readonly pool?: SqlPool;
}

/** The data layer's interface (./types.ts): Prisma for the cold paths, node-postgres for the hot ones. */
export function createRepository(
  db: Db,
  { pool = createSqlPool(connectionStringOf(db)) }: RepositoryOptions = {},
): Repository {
  return {
    saveHolder: (number, holder) => saveHolder(pool, number, holder),
    findHolder: (number) => findHolder(db, number),
    recordEvents: (batch) => recordEvents(pool, batch),
    recordEvent: (event) => projectEvent(db, pool, event),
    recordReminder: (request, at, channels) => recordReminder(db, request, at, channels),
    recordRejectedCommand: (entry) => recordRejectedCommand(db, entry),
    findCredential: (number) => findCredential(pool, number),
    findRecords: (number) => findRecords(db, number),
    history: (number) => history(db, number),
    listCredentials: (filter) => listCredentials(db, filter),
    findCredentialState: (number) => findCredentialState(pool, number),
    readCredential: (number, options) => readCredential(pool, number, options),
    markWorkflowStatus: (number, status) => markWorkflowStatus(pool, number, status),
    abnormalWorkflows: () => abnormalWorkflows(pool),
    reportOutcome: (number, kind, source, id) => reportOutcome(pool, number, kind, source, id),
    reportOutcomesFor: (actorId, afterSeq, limit) => reportOutcomesFor(pool, actorId, afterSeq, limit),
    reportOutcomeFeed: (filter) => reportOutcomeFeed(pool, filter),
    recordedReport: (number, kind, source, id) => recordedReport(pool, number, kind, source, id),
    findCommandReceipt: (key, now) => findCommandReceipt(pool, key, now),
    saveCommandReceipt: (key, receipt, now) => saveCommandReceipt(pool, key, receipt, now),
    policyVersions: (policyId) => policyVersions(pool, policyId),
    allPolicyVersions: () => allPolicyVersions(pool),
    addPolicyVersion: (policy, createdBy) => addPolicyVersion(pool, policy, createdBy),
    createApiKey: (role, label) => createApiKey(db, role, label),
    findApiKey: (token) => findApiKey(pool, token),
    close: async () => {
      await Promise.all([db.$disconnect(), pool.end()]);
    },
  };
}
