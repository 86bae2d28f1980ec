import { z } from 'zod';
import { dateAt } from './calendar';
import { CalendarDateField, CentsField, Text } from './fields';
import { frozenSafePattern } from './frozen-safe-pattern';
import type { Policy } from './types';

// One schema for a version of a body's rules: the API validates a new version with it, the workflow
// parses a version signalled to it with it, and the seeds in the database are checked against it.

const Days = z.number().int('use whole days').min(0, 'must not be negative').max(3660, 'at most 3660 days');

const Period = z
  .strictObject({
    years: z.number().int().min(0).max(10).optional(),
    months: z.number().int().min(0).max(120).optional(),
    days: Days.optional(),
  })
  .refine((p) => (p.years ?? 0) + (p.months ?? 0) + (p.days ?? 0) > 0, 'must be longer than zero');

const DayList = z
  .array(Days)
  .max(20, 'at most 20 reminders of a kind')
  .refine((days) => new Set(days).size === days.length, 'list each day once');

const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      dateAt(0, zone);
      return true;
    } catch {
      return false;
    }
  }, 'use an IANA time zone such as America/Phoenix');

export const PolicyVersionSchema = z
  .strictObject({
    id: z
      .string()
      .regex(
        frozenSafePattern(/^[a-z0-9][a-z0-9-]{1,39}$/),
        'use 2 to 40 lowercase letters, digits or dashes, e.g. nasm-cpt',
      ),
    version: z.number().int().min(1).max(100_000),
    effectiveFrom: CalendarDateField,
    name: Text(200),
    timeZone: TimeZone,
    cycleLength: Period,
    requiredCeus: z.number().int().min(1).max(100_000),
    cprAed: z
      .strictObject({ units: z.number().int().min(0).max(10_000), handsOnRequired: z.boolean() })
      .nullable(),
    lateWindow: z.strictObject({
      years: z.number().int().min(0).max(10).optional(),
      months: z.number().int().min(0).max(120).optional(),
      days: Days.optional(),
    }),
    lapseAfter: Period,
    lateCourseGrace: z.strictObject({
      years: z.number().int().min(0).max(10).optional(),
      months: z.number().int().min(0).max(120).optional(),
      days: Days.optional(),
    }),
    fees: z.strictObject({
      renewal: CentsField,
      late: CentsField,
      reinstatement: CentsField,
      petition: CentsField,
    }),
    auditRateBasisPoints: z.number().int().min(0).max(10_000),
    auditDocumentDays: z.number().int().min(1).max(365),
    carryOverSurplus: z.boolean(),
    reminders: z.strictObject({
      timeOfDay: z
        .string()
        .regex(frozenSafePattern(/^([01]\d|2[0-3]):[0-5]\d$/), 'use HH:MM, 00:00 to 23:59'),
      daysBeforeExpiry: DayList,
      daysBeforeLateWindowCloses: DayList,
      daysBeforeLapse: DayList,
      daysBeforeAuditDeadline: DayList,
      channels: z
        .array(z.enum(['email', 'webhook']))
        .min(1, 'name at least one channel')
        .refine((c) => new Set(c).size === c.length, 'list each channel once'),
    }),
  })
  .superRefine((p, ctx) => {
    const cprUnits = p.cprAed?.units ?? 0;
    if (cprUnits > p.requiredCeus) {
      ctx.addIssue({
        code: 'custom',
        path: ['cprAed', 'units'],
        message: `must not exceed requiredCeus (${p.requiredCeus})`,
      });
    }
  }) satisfies z.ZodType<Policy, unknown>;

/** A policy's id, as the API's parameters take it. */
export const PolicyIdField = PolicyVersionSchema.shape.id;
