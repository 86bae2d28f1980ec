import type { Config } from '../config';
import type { Db } from '../db/client';
import type { Repository } from '../db/types';
import type { ReminderChannel } from '../rules/types';
import { createDispatcher } from './dispatch';
import { createEmailSender } from './email';
import { startPolling, type Poller } from './poller';
import type { ChannelSender, DeliveryLogger } from './types';
import { createWebhookSender } from './webhook';

export { createDispatcher, type Dispatcher, type DispatchReport } from './dispatch';
export { verifySignature, signPayload, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature';

type DeliveryConfig = Pick<
  Config,
  'SMTP_URL' | 'REMINDER_FROM' | 'REMINDER_WEBHOOK_URL' | 'REMINDER_WEBHOOK_SECRET' | 'REMINDER_POLL_MS'
>;

/**
 * The senders the configuration allows. A channel left unconfigured is warned about once, here:
 * its outbox rows stay pending and go out once the variable is set and the worker restarted.
 */
export function sendersFromConfig(
  config: DeliveryConfig,
  findHolder: Repository['findHolder'],
  logger: DeliveryLogger,
): Partial<Record<ReminderChannel, ChannelSender>> {
  const senders: Partial<Record<ReminderChannel, ChannelSender>> = {};
  if (config.SMTP_URL) {
    senders.email = createEmailSender({ smtpUrl: config.SMTP_URL, from: config.REMINDER_FROM, findHolder });
  } else {
    logger.warn({ channel: 'email' }, 'SMTP_URL is not set: reminder e-mails stay queued in reminder_outbox');
  }
  if (config.REMINDER_WEBHOOK_URL) {
    // An unsigned webhook would let anyone forge reminders: refuse to start without the secret.
    if (!config.REMINDER_WEBHOOK_SECRET)
      throw new Error('REMINDER_WEBHOOK_SECRET is required when REMINDER_WEBHOOK_URL is set');
    senders.webhook = createWebhookSender({
      url: config.REMINDER_WEBHOOK_URL,
      secret: config.REMINDER_WEBHOOK_SECRET,
    });
  } else {
    logger.warn(
      { channel: 'webhook' },
      'REMINDER_WEBHOOK_URL is not set: reminder webhooks stay queued in reminder_outbox',
    );
  }
  return senders;
}

/** The worker's dispatcher: polls the outbox every REMINDER_POLL_MS until stopped. */
export function startReminderDelivery(deps: {
  config: DeliveryConfig;
  db: Db;
  repository: Pick<Repository, 'findHolder'>;
  logger: DeliveryLogger;
}): Poller {
  const { config, db, repository, logger } = deps;
  const senders = sendersFromConfig(config, (number) => repository.findHolder(number), logger);
  return startPolling(createDispatcher({ db, senders, logger }), config.REMINDER_POLL_MS, logger);
}
