import type { RequestHandler } from 'express';
import { AppError } from './errors';

export interface RateLimitOptions {
  /** Requests a client may make in a burst. */
  readonly capacity: number;
  /** Tokens added back per minute (steady rate). */
  readonly perMinute: number;
  readonly now?: () => number;
  /** Bound on remembered clients; full buckets are forgotten first. */
  readonly maxClients?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** An in-memory token bucket per key (one process; a fleet would share it in Redis or at the edge). */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly maxClients: number;
  private readonly msPerToken: number;

  constructor(private readonly options: RateLimitOptions) {
    this.now = options.now ?? Date.now;
    this.maxClients = options.maxClients ?? 10_000;
    this.msPerToken = 60_000 / options.perMinute;
  }

  /** Takes one token: `ok`, or how many whole seconds until the next token. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const bucket = this.refilled(this.buckets.get(key), now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.remember(key, bucket, now);
      return { ok: true };
    }
    this.remember(key, bucket, now);
    return {
      ok: false,
      retryAfterSeconds: Math.max(1, Math.ceil(((1 - bucket.tokens) * this.msPerToken) / 1000)),
    };
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.options.capacity, at: now };
    const tokens = Math.min(this.options.capacity, bucket.tokens + (now - bucket.at) / this.msPerToken);
    return { tokens, at: now };
  }

  private remember(key: string, bucket: Bucket, now: number): void {
    // Re-inserted so the Map's order is least recently seen first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (this.buckets.size <= this.maxClients) return;
    for (const [k, b] of this.buckets) {
      if (this.refilled(b, now).tokens >= this.options.capacity) this.buckets.delete(k);
    }
    // Still too many active clients: forget the oldest (Map keeps insertion order).
    for (const k of this.buckets.keys()) {
      if (this.buckets.size <= this.maxClients) break;
      this.buckets.delete(k);
    }
  }
}

/** 429 with Retry-After once a client (by IP) has used its tokens. */
export function rateLimit(buckets: TokenBuckets): RequestHandler {
  return (req, _res, next) => {
    const result = buckets.take(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (!result.ok) {
      throw new AppError('rate_limited', `Too many requests: retry in ${result.retryAfterSeconds} s.`, [], {
        'Retry-After': String(result.retryAfterSeconds),
      });
    }
    next();
  };
}
