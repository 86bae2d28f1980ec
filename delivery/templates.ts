import { formatCeu } from '../rules/ceu-units';
import { formatCents } from '../rules/money';
import type { CalendarDate, Policy, ReminderKind } from '../rules/types';
import type { ReminderFacts } from '../db/outbox';

// One template per reminder kind: a subject and a plain-text body with the real dates and amounts.
// No personal data: the same text goes to backend services; the e-mail adds the greeting.

export interface ReminderText {
  readonly subject: string;
  readonly text: string;
}

export interface TemplateInput {
  readonly credentialNumber: string;
  readonly reminder: { readonly kind: ReminderKind; readonly daysBefore: number };
  readonly facts: ReminderFacts;
}

const longDate = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });

/** `2027-06-30` → `June 30, 2027` (a calendar date: formatted at UTC midnight, never shifted). */
export function formatDate(d: CalendarDate): string {
  return longDate.format(new Date(`${d}T00:00:00.000Z`));
}

/** Typed reads of the workflow's facts (workflows/reminders.ts); absent or mistyped → null. */
function reader(facts: ReminderFacts) {
  const text = (name: string): string | null => {
    const v = facts[name];
    return typeof v === 'string' ? v : null;
  };
  const count = (name: string): number | null => {
    const v = facts[name];
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
  };
  const date = (name: string): string | null => {
    const v = text(name);
    return v ? formatDate(v) : null;
  };
  return { text, count, date };
}

type Line = string | null | false;
const lines = (...all: Line[]): string => all.filter((l): l is string => typeof l === 'string').join('\n');

function days(n: number): string {
  return n === 1 ? '1 day' : `${n} days`;
}

export function renderReminder(input: TemplateInput, policy: Policy): ReminderText {
  const f = reader(input.facts);
  const credential = `${policy.name} credential ${input.credentialNumber}`;
  const endOf = (d: string | null) => (d ? `the end of ${d} (${policy.timeZone} time)` : null);
  const expiration = f.date('expiration');
  const lastDay = f.date('lastApplicationDay');
  const documentsDue = f.date('documentsDueOn');
  const feeCents = f.count('feeDueCents');
  const feeThrough = f.date('feeValidThrough');
  const missing = f.count('ceusMissingHundredths');
  const earned = f.count('ceusEarnedHundredths');

  const feeLine =
    feeCents !== null &&
    `The fee is ${formatCents(feeCents)}${feeThrough ? ` if you apply by ${feeThrough}` : ''}.`;
  const ceuLine =
    missing === null
      ? null
      : missing > 0
        ? `You still need ${formatCeu(missing)} CEUs` +
          `${earned !== null ? ` (${formatCeu(earned)} of ${formatCeu(policy.requiredCeus)} counted so far)` : ''}.`
        : 'Your CEU requirement is met: you can apply now.';
  const lastDayLine = lastDay && `The last day to apply is ${lastDay}.`;
  const footer = `\nReference: ${input.credentialNumber} / ${input.reminder.kind} / ${input.reminder.daysBefore}`;

  switch (input.reminder.kind) {
    case 'before_expiry':
      return {
        subject: `Your ${policy.name} credential expires on ${expiration ?? 'its expiration date'}`,
        text: lines(
          `Your ${credential} expires at ${endOf(expiration) ?? 'the end of its cycle'}, in ${days(input.reminder.daysBefore)}.`,
          ceuLine,
          feeLine,
          `After ${expiration ?? 'that day'} a late fee applies.`,
          footer,
        ),
      };
    case 'expired':
      return {
        subject: `Your ${policy.name} credential expired on ${expiration ?? 'its expiration date'}`,
        text: lines(
          `Your ${credential} expired at ${endOf(expiration) ?? 'the end of its cycle'}. You can still renew it late.`,
          ceuLine,
          feeLine,
          lastDayLine,
          footer,
        ),
      };
    case 'late_window_closing':
      return {
        subject: `Late renewal of credential ${input.credentialNumber}: the late window closes on ${f.date('lateWindowEnd') ?? 'soon'}`,
        text: lines(
          `The late renewal window of your ${credential} closes at ${endOf(f.date('lateWindowEnd')) ?? 'its end'}.`,
          ceuLine,
          feeLine,
          // Without a reinstatement window, the late window's last day is the last day to apply.
          f.text('lateWindowEnd') === f.text('lastApplicationDay')
            ? 'After that day the credential lapses and can no longer be renewed.'
            : 'After that day a reinstatement fee is added.',
          f.text('lateWindowEnd') !== f.text('lastApplicationDay') && lastDayLine,
          footer,
        ),
      };
    case 'lapse_approaching':
      return {
        subject: `Credential ${input.credentialNumber} lapses on ${f.date('lapseDate') ?? 'soon'}`,
        text: lines(
          `Your ${credential} lapses on ${f.date('lapseDate') ?? 'its lapse date'}; after that it can no longer be renewed.`,
          lastDayLine,
          ceuLine,
          feeLine,
          footer,
        ),
      };
    case 'audit_selected':
      return {
        subject: `Your renewal application was selected for audit: documents due ${documentsDue ?? 'soon'}`,
        text: lines(
          `The renewal application ${f.text('applicationId') ?? ''} of your ${credential} was selected for audit.`.replace(
            '  ',
            ' ',
          ),
          f.text('auditId') && `Audit reference: ${f.text('auditId')}.`,
          `Please submit your documents (course certificates and CPR/AED card) by ${endOf(documentsDue) ?? 'the deadline'}.`,
          'Without them the audit fails and the application is denied.',
          footer,
        ),
      };
    case 'audit_deadline':
      return {
        subject: `Audit documents for credential ${input.credentialNumber} are due on ${documentsDue ?? 'soon'}`,
        text: lines(
          `The audit documents for your ${credential} are due by ${endOf(documentsDue) ?? 'the deadline'}, in ${days(input.reminder.daysBefore)}.`,
          'Without them the audit fails and the application is denied.',
          footer,
        ),
      };
  }
}
