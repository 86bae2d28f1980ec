import nodemailer from 'nodemailer';
import type { Holder } from '../db/types';
import { messageId, senderDomain } from './keys';
import type { ChannelSender } from './types';

export interface EmailOptions {
  /** `smtp://host:port`, `smtps://user:pass@host:465`; nodemailer's URL options apply. */
  readonly smtpUrl: string;
  readonly from: string;
  /** Reads the holder at send time: the address never enters the workflow or the outbox. */
  readonly findHolder: (credentialNumber: string) => Promise<Holder | null>;
}

/** E-mail through SMTP. Timeouts are short so a hung server fails the attempt well inside the lease. */
export function createEmailSender({ smtpUrl, from, findHolder }: EmailOptions): ChannelSender {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  const domain = senderDomain(from);

  return async ({ item, message, idempotencyKey }) => {
    const holder = await findHolder(item.credentialNumber);
    if (!holder?.email) throw new Error(`No e-mail address on file for credential ${item.credentialNumber}`);
    await transport.sendMail({
      from,
      to: { name: holder.name, address: holder.email },
      subject: message.subject,
      text: `Hello ${holder.name},\n\n${message.text}\n`,
      // The same id on every attempt: a receiver (or ops) can drop the rare duplicate.
      messageId: messageId(idempotencyKey, domain),
      headers: { 'X-Recertify-Idempotency-Key': idempotencyKey },
    });
  };
}
