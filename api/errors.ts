import type { ErrorRequestHandler } from 'express';
import type { RequestLocals } from './request-scope';

// One error type; its code decides the HTTP status, in one table.
export const ERROR_STATUS = {
  validation_failed: 400,
  malformed_json: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  /** A path the API has, with a method it does not take there (Allow names those it does). */
  method_not_allowed: 405,
  conflict: 409,
  /** The credential's workflow has closed (lapsed or revoked): it takes no more commands. */
  closed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rejected: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  /** Dotted path of the offending field, when there is one. */
  field?: string;
  code?: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    /** Response headers the status calls for (WWW-Authenticate, Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

interface BodyParserError {
  type?: string;
  status?: number;
}

function fromBodyParser(err: BodyParserError): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError('malformed_json', 'The request body is not valid JSON (send one JSON object).');
    case 'entity.too.large':
      return new AppError('payload_too_large', 'The request body is too large (limit 64 KB).');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError('unsupported_media_type', 'Send the body as UTF-8 JSON.');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AppError('malformed_json', 'The request body could not be read.');
    default:
      return undefined;
  }
}

// Prisma's codes for "the database cannot be reached or timed out": a dependency outage, not a bug.
const DATABASE_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

function fromDatabase(err: unknown): AppError | undefined {
  const { name, code } = (err ?? {}) as { name?: string; code?: string };
  const unreachable =
    name === 'PrismaClientInitializationError' ||
    (name === 'PrismaClientKnownRequestError' && code !== undefined && DATABASE_UNAVAILABLE.has(code));
  return unreachable
    ? new AppError('unavailable', 'The database is unavailable: try again shortly.', [], {
        'Retry-After': '5',
      })
    : undefined;
}

export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  const known = err instanceof AppError ? err : (fromBodyParser(err as BodyParserError) ?? fromDatabase(err));
  const { log } = res.locals as Partial<RequestLocals>;
  if (known) {
    // A dependency that is down (503) is worth a line; the caller's mistakes are in the access log.
    if (known.status >= 500) log?.warn({ code: known.code }, known.message);
    res
      .status(known.status)
      .set(known.headers)
      .json({ error: { code: known.code, message: known.message, details: known.details } });
    return;
  }
  // Unknown errors never leak their message to the caller.
  if (log) log.error({ err }, 'unhandled error');
  else console.error(err);
  res.status(500).json({ error: { code: 'internal', message: 'Internal error.', details: [] } });
};
