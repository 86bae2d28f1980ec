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
// Prisma's driver adapter (@prisma/adapter-pg) names an outage by kind.
const ADAPTER_UNAVAILABLE = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
]);
// Socket errors of a connection that cannot be made or was cut.
const SOCKET_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);
// node-postgres reports a cut connection or an exhausted pool without a code.
const PG_UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'the database system is shutting down',
  'the database system is starting up',
];

/**
 * SQLSTATEs of a server that is going away or cannot take us now: class 08 (connection exception),
 * 57P01-57P03 (admin or crash shutdown, cannot connect now), class 53 (insufficient resources).
 */
function unavailableSqlState(code: string): boolean {
  return code.startsWith('08') || /^57P0[1-3]$/.test(code) || code.startsWith('53');
}

/** Whether an error (or one it wraps) says PostgreSQL is down, restarting or unreachable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { name, code, kind, message, severity, cause } = current as {
      name?: unknown;
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      severity?: unknown;
      cause?: unknown;
    };
    if (name === 'PrismaClientInitializationError') return true;
    if (
      name === 'PrismaClientKnownRequestError' &&
      typeof code === 'string' &&
      DATABASE_UNAVAILABLE.has(code)
    )
      return true;
    if (typeof kind === 'string' && ADAPTER_UNAVAILABLE.has(kind)) return true;
    if (kind === 'postgres' && typeof code === 'string' && unavailableSqlState(code)) return true;
    // A PostgreSQL error from node-postgres (it has a severity) with an outage's SQLSTATE.
    if (typeof severity === 'string' && typeof code === 'string' && unavailableSqlState(code)) return true;
    if (typeof code === 'string' && SOCKET_UNAVAILABLE.has(code)) return true;
    if (typeof message === 'string' && PG_UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return true;
    current = cause;
  }
  return false;
}

function fromDatabase(err: unknown): AppError | undefined {
  return isDatabaseUnavailable(err)
    ? new AppError('unavailable', 'The database is unavailable: try again shortly.', [], {
        'Retry-After': '5',
      })
    : undefined;
}

/** The JSON body of an error answer (api/schemas/errors.ts). */
export function errorBody(err: AppError) {
  return { error: { code: err.code, message: err.message, details: err.details } };
}

export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  const known = err instanceof AppError ? err : (fromBodyParser(err as BodyParserError) ?? fromDatabase(err));
  const { log } = res.locals as Partial<RequestLocals>;
  if (known) {
    // A dependency that is down (503) is worth a line; the caller's mistakes are in the access log.
    if (known.status >= 500) log?.warn({ code: known.code }, known.message);
    res.status(known.status).set(known.headers).json(errorBody(known));
    return;
  }
  // Unknown errors never leak their message to the caller.
  if (log) log.error({ err }, 'unhandled error');
  else console.error(err);
  res.status(500).json({ error: { code: 'internal', message: 'Internal error.', details: [] } });
};
