import type { OutboxItem } from '../db/outbox';
import type { Policy } from '../rules/types';
import type { ReminderText } from './templates';

/** What a channel sender gets: the outbox item, its policy, the rendered text and its idempotency key. */
export interface Delivery {
  readonly item: OutboxItem;
  readonly policy: Policy;
  readonly message: ReminderText;
  /** Same on every attempt and channel, so receivers can drop a duplicate (see keys.ts). */
  readonly idempotencyKey: string;
}

/** Resolves when the receiver accepted the message; rejects on any failure (the dispatcher retries). */
export type ChannelSender = (delivery: Delivery) => Promise<void>;

/** The subset of a pino logger the dispatcher uses (structured object first, then the message). */
export interface DeliveryLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
