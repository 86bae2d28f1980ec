import { AsyncLocalStorage } from 'node:async_hooks';

// The request id of the HTTP request being served, for code that has no request at hand (the
// Temporal client interceptor).
const storage = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
