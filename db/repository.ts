import { createApiKey, findApiKey } from './api-keys';
import type { Db } from './client';
import { history, recordRejectedCommand } from './history';
import { findHolder, saveHolder } from './holders';
import { projectEvent } from './projection';
import { findCredential, findRecords, listCredentials } from './queries';
import { recordReminder } from './reminders';
import type { Repository } from './types';

/** The Prisma implementation of the data layer's interface (./types.ts). */
export function createRepository(db: Db): Repository {
  return {
    saveHolder: (number, holder) => saveHolder(db, number, holder),
    findHolder: (number) => findHolder(db, number),
    recordEvent: (event) => projectEvent(db, event),
    recordReminder: (request, at, channels) => recordReminder(db, request, at, channels),
    recordRejectedCommand: (entry) => recordRejectedCommand(db, entry),
    findCredential: (number) => findCredential(db, number),
    findRecords: (number) => findRecords(db, number),
    history: (number) => history(db, number),
    listCredentials: (filter) => listCredentials(db, filter),
    createApiKey: (role, label) => createApiKey(db, role, label),
    findApiKey: (token) => findApiKey(db, token),
    close: () => db.$disconnect(),
  };
}
