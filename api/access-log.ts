import type { RequestHandler } from 'express';
import type { Authenticated } from './auth';
import { countOutcome } from './outcome-counters';
import type { ApiMetrics } from './metrics';
import type { RequestLocals } from './request-scope';

/**
 * One log line and one metrics observation per answered request: method, route pattern (never the
 * raw path, which holds credential numbers), status, duration, request id and the API key's id (never
 * its token).
 */
export function accessLog(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const locals = res.locals as Partial<RequestLocals & Authenticated>;
      const route = locals.route?.path ?? 'unmatched';
      const status = res.statusCode;
      metrics.http.observe({ method: req.method, route, status: String(status) }, seconds);
      if (locals.route) countOutcome(metrics.business, locals.route.operationId, status);
      locals.log?.info(
        {
          method: req.method,
          route,
          status,
          durationMs: Math.round(seconds * 1e4) / 10,
          apiKeyId: locals.actor?.id ?? null,
        },
        'request',
      );
    });
    next();
  };
}
