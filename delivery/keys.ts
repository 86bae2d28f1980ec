import { createHash } from 'node:crypto';

/** The reminder's identity across attempts and channels: `<credential number>/<reminder key>`. */
export function idempotencyKey(credentialNumber: string, reminderKey: string): string {
  return `${credentialNumber}/${reminderKey}`;
}

/**
 * A Message-ID derived from the idempotency key, so a re-sent e-mail carries the same id. Hashed
 * because the key's characters (`:`, `/`) are not allowed in a Message-ID's left-hand side.
 */
export function messageId(key: string, domain: string): string {
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 40);
  return `<reminder.${digest}@${domain}>`;
}

/** The domain of `Name <user@domain>` or `user@domain`, for the Message-ID. */
export function senderDomain(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match?.[1] ?? 'recertify.invalid';
}
