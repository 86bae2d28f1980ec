import { SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from './signature';
import type { ChannelSender, Delivery } from './types';

export interface WebhookOptions {
  readonly url: string;
  readonly secret: string;
  readonly timeoutMs?: number;
  /** Clock for the signature timestamp (tests). */
  readonly now?: () => number;
}

/** The JSON a backend service receives: ids, dates and amounts, never personal data. */
export function webhookPayload({ item, message, idempotencyKey }: Delivery) {
  return {
    type: 'reminder',
    idempotencyKey,
    credentialNumber: item.credentialNumber,
    policyId: item.policyId,
    cycle: item.cycle,
    reminder: item.reminder,
    // Dates (YYYY-MM-DD), fee in cents, CEUs in hundredths, audit ids: see workflows/reminders.ts.
    facts: item.facts,
    subject: message.subject,
    text: message.text,
  };
}

/** Signed POST; any answer but 2xx (or no answer in time) fails the attempt, to be retried. */
export function createWebhookSender({
  url,
  secret,
  timeoutMs = 10_000,
  now = Date.now,
}: WebhookOptions): ChannelSender {
  return async (delivery) => {
    const body = JSON.stringify(webhookPayload(delivery));
    const timestamp = String(Math.floor(now() / 1000));
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'recertify-reminders',
        'idempotency-key': delivery.idempotencyKey,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Drain the body so the connection is released.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`Webhook answered HTTP ${response.status}`);
  };
}
