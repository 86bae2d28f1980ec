import type { Prisma } from '../generated/prisma/client';
import type { ReminderChannel } from '../rules/types';
import type { ReminderRequest } from '../workflows/events';
import type { Db } from './client';
import { toDbDate } from './dates';

/**
 * Records a reminder once per credential and key and, in the same transaction, queues one outbox
 * row per channel for the dispatcher (delivery/). False when the key was already recorded; a repeat
 * (a retried activity) adds nothing, so a reminder is never queued twice.
 */
export async function recordReminder(
  db: Db,
  request: ReminderRequest,
  at: number,
  channels: readonly ReminderChannel[] = [],
): Promise<boolean> {
  const { reminder, credentialNumber } = request;
  const [recorded] = await db.$transaction([
    db.reminderSent.createMany({
      data: [
        {
          credentialNumber,
          cycle: request.cycle,
          key: reminder.key,
          kind: reminder.kind,
          daysBefore: reminder.daysBefore,
          dueOn: toDbDate(reminder.on),
          dueAt: new Date(reminder.at),
          facts: request.facts as Prisma.InputJsonValue,
          sentAt: new Date(at),
        },
      ],
      skipDuplicates: true,
    }),
    db.reminderOutbox.createMany({
      data: channels.map((channel) => ({
        credentialNumber,
        reminderKey: reminder.key,
        channel,
        nextAttemptAt: new Date(at),
      })),
      skipDuplicates: true,
    }),
  ]);
  return recorded.count > 0;
}
