import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from '../observability/logger';
import { AppError } from './errors';

export interface RateLimitOptions {
  /** Requests a client may make per window. */
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * The public lookup's budget per client: 30 a minute. A fixed window per client that opens at its
 * first request (express-rate-limit's memory store): the same burst and long-run rate as a bucket
 * of 30 refilled at 30 a minute; once spent, a client waits for its window to end (Retry-After up
 * to 60 s) rather than getting one request back every 2 s.
 */
export const VERIFY_RATE_LIMIT: RateLimitOptions = { limit: 30, windowMs: 60_000 };

/**
 * Per client IP address (IPv6 by /56), which Express derives from the socket or, with `trust
 * proxy` (TRUST_PROXY), from X-Forwarded-For. One process's memory: a fleet behind a load balancer
 * gives each instance its own budget (a shared store, e.g. Redis, would make it one).
 */
export function publicRateLimit(options: RateLimitOptions, log: Logger): RequestHandler {
  return rateLimit({
    ...options,
    // RateLimit-Policy and RateLimit (IETF draft 8) on every answer, Retry-After on a 429.
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // The library's one-off configuration warnings (X-Forwarded-For seen without TRUST_PROXY,
    // TRUST_PROXY=true) are hints, not failures.
    logger: {
      warn: (err, message) => log.warn({ err }, message ?? (err as Error).message),
      error: (err, message) => {
        const hint = (err as Error | undefined)?.name === 'ValidationError';
        (hint ? log.warn : log.error).call(log, { err }, message ?? (err as Error).message);
      },
    },
    handler: (_req, res, next) => {
      const seconds = Number(res.getHeader('Retry-After')) || Math.ceil(options.windowMs / 1000);
      next(
        new AppError('rate_limited', `Too many requests: retry in ${seconds} s.`, [], {
          'Retry-After': String(seconds),
        }),
      );
    },
  });
}
