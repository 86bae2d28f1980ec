import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { COMMAND_REJECTED, type Rejection } from '../workflows/contract';
import { AppError } from './errors';

// How Temporal's answers become HTTP answers. Pure functions, so they are unit-tested without a server.

/** The reasons of a command the workflow's validator refused, or null for any other error. */
export function rejectionsOf(err: unknown): readonly Rejection[] | null {
  if (!(err instanceof WorkflowUpdateFailedError)) return null;
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== COMMAND_REJECTED) return null;
  const reasons = cause.details?.[0];
  if (!Array.isArray(reasons)) return [{ code: 'invalid_request', message: cause.message }];
  return reasons as Rejection[];
}

/** Refusal codes of a run continuing as new (workflows/cycle/validators.ts `inTransition`). */
const IN_TRANSITION: ReadonlySet<string> = new Set(['renewal_in_progress', 'upgrade_in_progress']);
/** Seconds a caller waits before retrying a command refused during a renewal or an upgrade. */
export const RETRY_AFTER_TRANSITION_S = '1';

/** A refusal that only says "not now": the same command succeeds once the run has moved on. */
export function isTransient(reasons: readonly Rejection[]): boolean {
  return reasons.some((r) => IN_TRANSITION.has(r.code));
}

export function rejectedError(command: string, reasons: readonly Rejection[]): AppError {
  const details = reasons.map(({ code, message }) => ({ code, message }));
  // A closed credential refuses everything: that is a state conflict, not a fixable request.
  if (reasons.length > 0 && reasons.every((r) => r.code === 'closed')) {
    return new AppError('closed', reasons[0]?.message ?? 'The credential is closed.', details);
  }
  // A run about to continue as new (renewal or upgrade): the same command succeeds on the next run a
  // moment later, so it is a 409 with Retry-After, never a refusal to fix.
  const moving = reasons.find((r) => IN_TRANSITION.has(r.code));
  if (moving) {
    return new AppError('conflict', moving.message, details, { 'Retry-After': RETRY_AFTER_TRANSITION_S });
  }
  return new AppError('rejected', `The ${command} was rejected: see every reason in details.`, details);
}

// gRPC status codes (grpc-js is not a direct dependency) that mean "Temporal cannot answer now":
// CANCELLED (the call was cut, e.g. a client deadline), DEADLINE_EXCEEDED, FAILED_PRECONDITION (a
// query with no worker polling: "no poller seen for task queue recently"), UNAVAILABLE.
const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_UNAVAILABLE = 14;
const UNAVAILABLE_CODES = new Set([
  GRPC_CANCELLED,
  GRPC_DEADLINE_EXCEEDED,
  GRPC_FAILED_PRECONDITION,
  GRPC_UNAVAILABLE,
]);

/** Whether Temporal (or the worker behind it) cannot answer now: retry later, not a bug. */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    // A gRPC status error: a numeric code, with details and metadata.
    if (typeof code === 'number' && UNAVAILABLE_CODES.has(code) && 'details' in current) return true;
    current = cause;
  }
  return false;
}

/**
 * Maps a Temporal error (other than not-found, which needs a lookup) to an AppError; unknown errors
 * come back unchanged so the error handler answers 500 without leaking them.
 */
export function fromTemporal(err: unknown, command: string): unknown {
  const reasons = rejectionsOf(err);
  if (reasons) return rejectedError(command, reasons);
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    // The handler itself failed the command after accepting it: the state moved under the request.
    return new AppError('conflict', `The ${command} could not be applied: ${err.cause.message}`);
  }
  if (isUnavailable(err)) {
    return new AppError('unavailable', 'The workflow service is not answering; retry shortly.', [], {
      'Retry-After': '5',
    });
  }
  return err;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError;
}
