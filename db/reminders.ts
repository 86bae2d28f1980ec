import type { Prisma } from '../generated/prisma/client';
import type { ReminderRequest } from '../workflows/events';
import type { Db } from './client';
import { toDbDate } from './dates';

/** Records a reminder once per credential and key; false when it was already recorded. */
export async function recordReminder(db: Db, request: ReminderRequest, at: number): Promise<boolean> {
  const { reminder } = request;
  const { count } = await db.reminderSent.createMany({
    data: [
      {
        credentialNumber: request.credentialNumber,
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
  });
  return count > 0;
}
