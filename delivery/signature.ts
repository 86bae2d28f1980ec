import { createHmac, timingSafeEqual } from 'node:crypto';

// Webhook signatures: `X-Recertify-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
// with `X-Recertify-Timestamp: <unix seconds>`. Signing the timestamp with the body lets a
// receiver refuse replays of an old, validly signed request.

export const TIMESTAMP_HEADER = 'X-Recertify-Timestamp';
export const SIGNATURE_HEADER = 'X-Recertify-Signature';
/** Receivers should refuse a timestamp further than this from their clock. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signPayload(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface VerifyInput {
  readonly secret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** The raw request body, byte for byte as received (not re-serialized JSON). */
  readonly body: string;
  /** Receiver's clock, epoch ms. */
  readonly now?: number;
  readonly toleranceSeconds?: number;
}

/** The receiver's check: a fresh timestamp and a matching signature, compared in constant time. */
export function verifySignature(input: VerifyInput): boolean {
  const { secret, timestamp, signature, body } = input;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  const now = input.now ?? Date.now();
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now / 1000 - Number(timestamp)) > tolerance) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
