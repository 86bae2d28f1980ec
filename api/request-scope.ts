import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../observability/logger';
import { runWithRequestId } from '../observability/request-context';
import { isWellFormedRequestId, REQUEST_ID_HTTP_HEADER } from '../observability/request-id';

/** What the observability middleware keeps on `res.locals` for the later handlers. */
export interface RequestLocals {
  requestId: string;
  /** The app's logger bound to this request's id. */
  log: Logger;
  /** The matched route's pattern and operation (unset when no route matched). */
  route?: { path: string; operationId: string };
  /** When the API received the request (epoch ms, the app's clock): commands carry it as `receivedAt`. */
  receivedAt?: number;
}

/**
 * Takes the caller's `X-Request-Id` when well formed (so a trace spans the caller's systems), else
 * makes one; echoes it on the response and binds it to the request's logger.
 */
export function requestId(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get(REQUEST_ID_HTTP_HEADER);
    const id = isWellFormedRequestId(incoming) ? incoming : randomUUID();
    const locals = res.locals as Partial<RequestLocals>;
    locals.requestId = id;
    locals.log = logger.child({ requestId: id });
    res.set(REQUEST_ID_HTTP_HEADER, id);
    next();
  };
}

/**
 * Runs a handler inside the request's async context, so the Temporal client interceptor finds the
 * request id. Applied to the last handler: body parsing resumes outside the context it was called in.
 */
export function inRequestContext(handler: RequestHandler): RequestHandler {
  return (req, res, next) => {
    const { requestId: id = '' } = res.locals as Partial<RequestLocals>;
    return runWithRequestId(id, () => handler(req, res, next));
  };
}
