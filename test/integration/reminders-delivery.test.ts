import { createActivities } from '../../activities';
import { createDb, type Db } from '../../db/client';
import { claimDue } from '../../db/outbox';
import { createRepository } from '../../db/repository';
import type { Holder, Repository } from '../../db/types';
import { nextAttemptAt, type RetryPolicy } from '../../delivery/backoff';
import { createDispatcher, type DispatcherDeps } from '../../delivery/dispatch';
import { createEmailSender } from '../../delivery/email';
import { sendersFromConfig } from '../../delivery';
import { idempotencyKey, messageId } from '../../delivery/keys';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../delivery/signature';
import { startPolling } from '../../delivery/poller';
import { formatDate, renderReminder } from '../../delivery/templates';
import type { DeliveryLogger } from '../../delivery/types';
import { createWebhookSender } from '../../delivery/webhook';
import { instantAt } from '../../rules/calendar';
import { cycleDates, lastApplicationDay } from '../../rules/cycle';
import { quoteFee } from '../../rules/fees';
import { formatCents } from '../../rules/money';
import { getPolicy } from '../../rules/policies';
import { cycleReminders } from '../../rules/reminders';
import type { CalendarDate, Policy, ReminderKind, ReminderMoment } from '../../rules/types';
import type { CredentialEvent, ReminderRequest } from '../../workflows/events';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

// Reminder delivery against the real PostgreSQL of global setup, a real SMTP server and a real
// HTTP receiver. The activity is called directly (no Temporal) and the dispatcher is driven with
// explicit instants, so backoff and leases are checked without waiting.

const NASM = getPolicy('nasm-cpt');
const ACE = getPolicy('ace-cpt');
const SECRET = 'test-webhook-secret-0123456789';
const FROM = 'Recertify <reminders@recertify.test>';
const RETRY: RetryPolicy = { baseMs: 1_000, capMs: 60_000, maxAttempts: 4 };

let db: Db;
let repository: Repository;
let smtp: SmtpSink;
let hooks: WebhookReceiver;
let logs: { level: string; obj: object; msg: string }[];
const holders = new Map<string, Holder>();

const logger: DeliveryLogger = {
  info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
  warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
  error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
};

beforeAll(() => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL missing: the integration project sets it in global setup');
  db = createDb(url);
  repository = createRepository(db);
});
afterAll(async () => {
  await repository.close();
});

beforeEach(async () => {
  // The dispatcher claims every due row in the database: start each test from an empty outbox.
  await db.reminderOutbox.deleteMany({});
  logs = [];
  [smtp, hooks] = await Promise.all([startSmtpSink(), startWebhookReceiver()]);
});
afterEach(async () => {
  await Promise.all([smtp.close(), hooks.close()]);
  // Whatever happened, no log line carries a holder's name or e-mail address.
  const logged = JSON.stringify(logs);
  for (const holder of holders.values()) {
    expect(logged).not.toContain(holder.email);
    expect(logged).not.toContain(holder.name);
  }
});

function dispatcher(overrides: Partial<DispatcherDeps> = {}) {
  return createDispatcher({
    db,
    senders: {
      email: createEmailSender({
        smtpUrl: smtp.url,
        from: FROM,
        findHolder: (n) => repository.findHolder(n),
      }),
      webhook: createWebhookSender({ url: hooks.url, secret: SECRET }),
    },
    logger,
    retry: RETRY,
    ...overrides,
  });
}

/** A credential row (through its cycle_started event) and its holder. */
async function seed(number: string, policy: Policy, start: CalendarDate): Promise<Holder> {
  const event: CredentialEvent = {
    key: `${number}:c1:started`,
    credentialNumber: number,
    cycle: 1,
    at: instantAt(start, '12:00', policy.timeZone),
    actor: { kind: 'system', id: 'workflow' },
    type: 'cycle_started',
    policyId: policy.id,
    workflowId: `credential-${number}`,
    certifiedOn: start,
    dates: cycleDates(start, policy),
    phase: 'Active',
  };
  await repository.recordEvent(event);
  const holder = { name: `Holder ${number}`, email: `${number.toLowerCase()}@example.test` };
  await repository.saveHolder(number, holder);
  holders.set(number, holder);
  return holder;
}

/** The request the workflow would send for a cycle reminder (facts as workflows/reminders.ts builds them). */
function cycleRequest(
  number: string,
  policy: Policy,
  start: CalendarDate,
  kind: ReminderKind,
  daysBefore: number,
) {
  const dates = cycleDates(start, policy);
  const moment = cycleReminders(dates, policy).find((m) => m.kind === kind && m.daysBefore === daysBefore);
  if (!moment) throw new Error(`${policy.id} has no ${kind}/${daysBefore} reminder`);
  const quote = quoteFee(dates, policy, moment.on);
  const request: ReminderRequest = {
    credentialNumber: number,
    cycle: 1,
    reminder: moment,
    facts: {
      expiration: dates.expiration,
      lateWindowEnd: dates.lateWindowEnd,
      lastApplicationDay: lastApplicationDay(dates),
      lapseDate: dates.lapseDate,
      feeDueCents: quote.accepted ? quote.total : null,
      feeValidThrough: quote.accepted ? quote.validThrough : null,
      ceusEarnedHundredths: 10,
      ceusMissingHundredths: 190,
    },
  };
  return { request, dates, quote };
}

const outbox = (credentialNumber: string) =>
  db.reminderOutbox.findMany({ where: { credentialNumber }, orderBy: { channel: 'asc' } });

async function rowOf(credentialNumber: string, channel: 'email' | 'webhook') {
  const row = await db.reminderOutbox.findFirst({ where: { credentialNumber, channel } });
  if (!row) throw new Error(`no ${channel} row for ${credentialNumber}`);
  return row;
}

/** Just after the activity ran, so the rows it queued are due. */
const soon = () => Date.now() + 1_000;

describe('the sendReminder activity queues the reminder in the outbox', () => {
  it('when it runs twice (a retried activity), then there is one row per channel of the policy', async () => {
    await seed('RM-Q1', NASM, '2025-06-30');
    await seed('RM-Q2', ACE, '2025-06-30');
    const { sendReminder } = createActivities({ repository });
    const nasm = cycleRequest('RM-Q1', NASM, '2025-06-30', 'before_expiry', 90).request;
    const ace = cycleRequest('RM-Q2', ACE, '2025-06-30', 'before_expiry', 90).request;

    await sendReminder(nasm);
    await sendReminder(nasm);
    await Promise.all([sendReminder(ace), sendReminder(ace)]);

    expect((await outbox('RM-Q1')).map((r) => [r.channel, r.status, r.reminderKey])).toEqual([
      ['email', 'pending', nasm.reminder.key],
      ['webhook', 'pending', nasm.reminder.key],
    ]);
    expect((await outbox('RM-Q2')).map((r) => r.channel)).toEqual(['email']);
    expect(await db.reminderSent.count({ where: { credentialNumber: { in: ['RM-Q1', 'RM-Q2'] } } })).toBe(2);
  });

  it('when the reminder is queued, then no personal data is stored with it', async () => {
    const holder = await seed('RM-Q3', NASM, '2025-06-30');
    await createActivities({ repository }).sendReminder(
      cycleRequest('RM-Q3', NASM, '2025-06-30', 'expired', 0).request,
    );

    const stored = JSON.stringify(
      await db.reminderOutbox.findMany({ where: { credentialNumber: 'RM-Q3' }, include: { reminder: true } }),
      (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
    );
    expect(stored).not.toContain(holder.email);
    expect(stored).not.toContain(holder.name);
  });
});

describe('delivery by e-mail and signed webhook', () => {
  it('when a NASM reminder is due, then the holder gets the e-mail and the backend a signed webhook, with the real dates and fee', async () => {
    const number = 'RM-D1';
    const holder = await seed(number, NASM, '2025-06-30');
    const { request, dates, quote } = cycleRequest(number, NASM, '2025-06-30', 'before_expiry', 90);
    if (!quote.accepted) throw new Error('in-cycle quote expected');
    await createActivities({ repository }).sendReminder(request);

    expect(await dispatcher().dispatchDue(soon())).toEqual({ claimed: 2, sent: 2, failed: 0, dead: 0 });

    const key = idempotencyKey(number, request.reminder.key);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.rcptTo).toEqual([holder.email]);
    expect(mail.headers.get('to')).toContain(holder.email);
    expect(mail.headers.get('from')).toBe(FROM);
    expect(mail.headers.get('message-id')).toBe(messageId(key, 'recertify.test'));
    expect(mail.headers.get('subject')).toBe(
      `Your NASM Certified Personal Trainer credential expires on ${formatDate(dates.expiration)}`,
    );
    expect(mail.text).toContain(`Hello ${holder.name},`);
    expect(mail.text).toContain(
      `expires at the end of ${formatDate(dates.expiration)} (America/Phoenix time), in 90 days`,
    );
    expect(mail.text).toContain('You still need 1.90 CEUs (0.10 of 2.00 counted so far).');
    expect(mail.text).toContain(
      `The fee is ${formatCents(quote.total)} if you apply by ${formatDate(quote.validThrough)}.`,
    );
    expect(formatCents(quote.total)).toBe('$99.00');

    expect(hooks.requests).toHaveLength(1);
    const hook = hooks.requests[0]!;
    expect(hook.headers['idempotency-key']).toBe(key);
    expect(hook.headers['content-type']).toBe('application/json');
    const timestamp = hook.headers[TIMESTAMP_HEADER.toLowerCase()] as string;
    const signature = hook.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifySignature({ secret: SECRET, timestamp, signature, body: hook.body })).toBe(true);
    expect(
      verifySignature({ secret: 'another-secret-0123456789', timestamp, signature, body: hook.body }),
    ).toBe(false);
    expect(verifySignature({ secret: SECRET, timestamp, signature, body: `${hook.body} ` })).toBe(false);
    expect(
      verifySignature({
        secret: SECRET,
        timestamp,
        signature,
        body: hook.body,
        now: Date.now() + 10 * 60_000,
      }),
    ).toBe(false);
    expect(JSON.parse(hook.body)).toMatchObject({
      type: 'reminder',
      idempotencyKey: key,
      credentialNumber: number,
      policyId: 'nasm-cpt',
      reminder: { key: request.reminder.key, kind: 'before_expiry', daysBefore: 90, on: request.reminder.on },
      facts: { expiration: dates.expiration, feeDueCents: 9900, ceusMissingHundredths: 190 },
    });
    expect(hook.body).not.toContain(holder.email);
    expect(hook.body).not.toContain(holder.name);

    expect((await outbox(number)).map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['email', 'sent', 0],
      ['webhook', 'sent', 0],
    ]);
    // Nothing left to send: a second pass sends nothing.
    expect((await dispatcher().dispatchDue(soon())).claimed).toBe(0);
  });

  it('when an ACE reminder is due, then it goes by e-mail only', async () => {
    await seed('RM-D2', ACE, '2025-06-30');
    const { request, dates } = cycleRequest('RM-D2', ACE, '2025-06-30', 'expired', 0);
    await createActivities({ repository }).sendReminder(request);

    await dispatcher().dispatchDue(soon());

    expect(hooks.requests).toHaveLength(0);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.headers.get('subject')).toBe(
      `Your ACE Certified Personal Trainer credential expired on ${formatDate(dates.expiration)}`,
    );
    expect(smtp.mails[0]!.text).toContain(
      `The last day to apply is ${formatDate(lastApplicationDay(dates))}.`,
    );
  });

  it('when an audit is selected, then the e-mail names the documents deadline', async () => {
    const number = 'RM-D3';
    await seed(number, ACE, '2025-06-30');
    const reminder: ReminderMoment = {
      key: '2025-06-30:audit_selected:0:AUD-7',
      kind: 'audit_selected',
      daysBefore: 0,
      on: '2027-05-10',
      at: instantAt('2027-05-10', '09:00', ACE.timeZone),
    };
    const facts = { auditId: 'AUD-7', applicationId: 'APP-3', documentsDueOn: '2027-06-09' };
    await createActivities({ repository }).sendReminder({
      credentialNumber: number,
      cycle: 1,
      reminder,
      facts,
    });

    await dispatcher().dispatchDue(soon());

    const mail = smtp.mails[0]!;
    expect(mail.headers.get('subject')).toBe(
      'Your renewal application was selected for audit: documents due June 9, 2027',
    );
    expect(mail.text).toContain(
      'The renewal application APP-3 of your ACE Certified Personal Trainer credential',
    );
    expect(mail.text).toContain('by the end of June 9, 2027 (America/Los_Angeles time)');
  });
});

describe('failures are retried later and delivered once', () => {
  it('when the SMTP server refuses the message, then it is retried after the backoff and delivered once', async () => {
    const number = 'RM-F1';
    const holder = await seed(number, ACE, '2025-06-30');
    await createActivities({ repository }).sendReminder(
      cycleRequest(number, ACE, '2025-06-30', 'before_expiry', 30).request,
    );
    smtp.refuseWith({ code: 451, message: `Mailbox <${holder.email}> busy, try later` });
    const t0 = soon();

    expect(await dispatcher().dispatchDue(t0)).toMatchObject({ claimed: 1, failed: 1 });
    const failed = await rowOf(number, 'email');
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, claimedBy: null });
    expect(failed.nextAttemptAt.getTime()).toBe(t0 + RETRY.baseMs);
    expect(failed.lastError).toContain('451');
    // The server echoed the address: it is not stored.
    expect(failed.lastError).not.toContain(holder.email);
    expect(logs.some((l) => l.level === 'warn' && l.msg === 'reminder delivery failed')).toBe(true);

    smtp.refuseWith(null);
    expect((await dispatcher().dispatchDue(t0 + RETRY.baseMs - 1)).claimed).toBe(0);
    expect(await dispatcher().dispatchDue(t0 + RETRY.baseMs)).toMatchObject({ claimed: 1, sent: 1 });
    expect((await dispatcher().dispatchDue(t0 + 3_600_000)).claimed).toBe(0);

    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.rcptTo).toEqual([holder.email]);
    expect(await rowOf(number, 'email')).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
  });

  it('when the SMTP server is down, then the e-mail waits and goes out once it is back', async () => {
    const number = 'RM-F2';
    await seed(number, NASM, '2025-06-30');
    await createActivities({ repository }).sendReminder(
      cycleRequest(number, NASM, '2025-06-30', 'expired', 0).request,
    );
    const { port } = smtp;
    const d = dispatcher();
    await smtp.close();
    const t0 = soon();

    // The webhook does not wait for the e-mail: channels fail and succeed independently.
    expect(await d.dispatchDue(t0)).toEqual({ claimed: 2, sent: 1, failed: 1, dead: 0 });
    expect(await rowOf(number, 'email')).toMatchObject({ status: 'pending', attempts: 1 });

    smtp = await startSmtpSink({ port });
    expect(await d.dispatchDue(t0 + RETRY.baseMs)).toMatchObject({ claimed: 1, sent: 1 });

    expect(smtp.mails).toHaveLength(1);
    expect(hooks.requests).toHaveLength(1);
    expect((await outbox(number)).map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('when the webhook answers 500, then 503, then 200, then it is delivered once, each wait longer than the last', async () => {
    const number = 'RM-F3';
    await seed(number, NASM, '2025-06-30');
    const { request } = cycleRequest(number, NASM, '2025-06-30', 'before_expiry', 7);
    await createActivities({ repository }).sendReminder(request);
    hooks.answer(500, 503);
    const d = dispatcher();
    const t0 = soon();

    await d.dispatchDue(t0);
    const first = await rowOf(number, 'webhook');
    const t1 = first.nextAttemptAt.getTime();
    await d.dispatchDue(t1);
    const second = await rowOf(number, 'webhook');
    const t2 = second.nextAttemptAt.getTime();
    expect(first).toMatchObject({ attempts: 1, lastError: 'Webhook answered HTTP 500' });
    expect(second).toMatchObject({ attempts: 2, lastError: 'Webhook answered HTTP 503' });
    expect(t1 - t0).toBe(RETRY.baseMs);
    expect(t2 - t1).toBe(2 * RETRY.baseMs);

    await d.dispatchDue(t2);
    expect(await rowOf(number, 'webhook')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(hooks.requests.map((r) => r.status)).toEqual([500, 503, 200]);
    // Every attempt is the same message: same idempotency key, each freshly signed.
    const key = idempotencyKey(number, request.reminder.key);
    for (const r of hooks.requests) {
      expect(r.headers['idempotency-key']).toBe(key);
      const timestamp = r.headers['x-recertify-timestamp'] as string;
      const signature = r.headers['x-recertify-signature'] as string;
      expect(verifySignature({ secret: SECRET, timestamp, signature, body: r.body })).toBe(true);
    }
    expect(smtp.mails).toHaveLength(1);
  });

  it('when every attempt fails, then the row is dead-lettered after the last one and logged', async () => {
    const number = 'RM-F4';
    await seed(number, NASM, '2025-06-30');
    await createActivities({ repository }).sendReminder(
      cycleRequest(number, NASM, '2025-06-30', 'before_expiry', 60).request,
    );
    hooks.answer(500, 500, 500, 500, 500);
    const d = dispatcher();
    let at = soon();

    for (let attempt = 1; attempt <= RETRY.maxAttempts; attempt++) {
      expect((await d.dispatchDue(at)).claimed).toBeGreaterThan(0);
      const row = await rowOf(number, 'webhook');
      expect(row.attempts).toBe(attempt);
      at = row.nextAttemptAt.getTime();
    }

    expect(await rowOf(number, 'webhook')).toMatchObject({ status: 'dead', attempts: RETRY.maxAttempts });
    expect((await d.dispatchDue(at + 86_400_000)).claimed).toBe(0);
    expect(hooks.requests).toHaveLength(RETRY.maxAttempts);
    const dead = logs.filter((l) => l.msg === 'reminder delivery dead-lettered after its last attempt');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ level: 'error', obj: { credentialNumber: number, channel: 'webhook' } });
    // The e-mail of the same reminder went out on the first pass.
    expect(await rowOf(number, 'email')).toMatchObject({ status: 'sent' });
  });
});

describe('several dispatchers, crashes and missing configuration', () => {
  it('when two dispatchers race over the same rows, then each message is sent exactly once', async () => {
    await Promise.all([smtp.close(), hooks.close()]);
    // Slow receivers keep batches in flight, so the two dispatchers' claims overlap.
    [smtp, hooks] = await Promise.all([
      startSmtpSink({ delayMs: 20 }),
      startWebhookReceiver({ delayMs: 20 }),
    ]);
    const numbers = Array.from({ length: 12 }, (_, i) => `RM-R${i + 1}`);
    const { sendReminder } = createActivities({ repository });
    for (const number of numbers) {
      await seed(number, NASM, '2025-06-30');
      await sendReminder(cycleRequest(number, NASM, '2025-06-30', 'before_expiry', 90).request);
    }
    const at = soon();
    const drain = async (d: ReturnType<typeof dispatcher>) => {
      let claimed = 0;
      for (;;) {
        const report = await d.dispatchDue(at);
        if (report.claimed === 0) return claimed;
        claimed += report.claimed;
      }
    };

    const [a, b] = await Promise.all([
      drain(dispatcher({ batchSize: 3 })),
      drain(dispatcher({ batchSize: 3 })),
    ]);

    expect(a + b).toBe(24);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    const ids = smtp.mails.map((m) => m.headers.get('message-id'));
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    const keys = hooks.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
    expect(await db.reminderOutbox.count({ where: { status: 'sent' } })).toBe(24);
  });

  it('when a dispatcher dies holding a lease, then another sends the row once the lease runs out', async () => {
    const number = 'RM-L1';
    await seed(number, ACE, '2025-06-30');
    await createActivities({ repository }).sendReminder(
      cycleRequest(number, ACE, '2025-06-30', 'before_expiry', 60).request,
    );
    const t0 = soon();
    const leaseMs = 60_000;
    const crashed = await claimDue(db, {
      now: t0,
      leaseMs,
      limit: 10,
      channels: ['email'],
      claimant: 'crashed',
    });
    expect(crashed).toHaveLength(1);

    const d = dispatcher({ leaseMs });
    expect((await d.dispatchDue(t0 + leaseMs - 1)).claimed).toBe(0);
    expect(await d.dispatchDue(t0 + leaseMs)).toMatchObject({ claimed: 1, sent: 1 });
    expect(smtp.mails).toHaveLength(1);
  });

  it('when a channel is not configured, then its rows stay pending and a warning is logged once', async () => {
    const number = 'RM-C1';
    await seed(number, NASM, '2025-06-30');
    await createActivities({ repository }).sendReminder(
      cycleRequest(number, NASM, '2025-06-30', 'expired', 0).request,
    );
    const config = { REMINDER_FROM: FROM, REMINDER_POLL_MS: 5_000, SMTP_URL: smtp.url };
    const senders = sendersFromConfig(config, (n) => repository.findHolder(n), logger);

    const d = createDispatcher({ db, senders, logger, retry: RETRY });
    await d.dispatchDue(soon());
    await d.dispatchDue(soon() + 86_400_000);

    expect(Object.keys(senders)).toEqual(['email']);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'REMINDER_WEBHOOK_URL is not set: reminder webhooks stay queued in reminder_outbox',
    ]);
    expect((await outbox(number)).map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ['email', 'sent', 0],
      ['webhook', 'pending', 0],
    ]);
    expect(() =>
      sendersFromConfig(
        { ...config, REMINDER_WEBHOOK_URL: hooks.url },
        (n) => repository.findHolder(n),
        logger,
      ),
    ).toThrow('REMINDER_WEBHOOK_SECRET is required when REMINDER_WEBHOOK_URL is set');
  });
});

describe("the worker's poller", () => {
  it('when rows are due, then the poller sends them without a call to dispatchDue, and stop() ends it', async () => {
    const number = 'RM-P1';
    await seed(number, NASM, '2025-06-30');
    await createActivities({ repository }).sendReminder(
      cycleRequest(number, NASM, '2025-06-30', 'before_expiry', 30).request,
    );

    const poller = startPolling(dispatcher(), 50, logger);
    const deadline = Date.now() + 10_000;
    while ((smtp.mails.length < 1 || hooks.requests.length < 1) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    await poller.stop();

    expect(smtp.mails).toHaveLength(1);
    expect(hooks.requests).toHaveLength(1);
    expect((await outbox(number)).map((r) => r.status)).toEqual(['sent', 'sent']);
  });
});

describe('templates and backoff (no I/O)', () => {
  const facts = (policy: Policy) => {
    const dates = cycleDates('2025-06-30', policy);
    return {
      dates,
      facts: {
        expiration: dates.expiration,
        lateWindowEnd: dates.lateWindowEnd,
        lastApplicationDay: lastApplicationDay(dates),
        lapseDate: dates.lapseDate,
        feeDueCents: 17900,
        feeValidThrough: lastApplicationDay(dates),
        ceusEarnedHundredths: 150,
        ceusMissingHundredths: 50,
        auditId: 'AUD-1',
        applicationId: 'APP-1',
        documentsDueOn: '2027-07-30',
      },
    };
  };

  it.each<[ReminderKind, number, (d: ReturnType<typeof cycleDates>) => CalendarDate]>([
    ['before_expiry', 30, (d) => d.expiration],
    ['expired', 0, (d) => d.expiration],
    ['late_window_closing', 30, (d) => d.lateWindowEnd],
    ['lapse_approaching', 30, (d) => d.lapseDate],
    ['audit_selected', 0, () => '2027-07-30'],
    ['audit_deadline', 7, () => '2027-07-30'],
  ])(
    'when a %s reminder is rendered, then its subject names the date that matters',
    (kind, daysBefore, date) => {
      const { dates, facts: f } = facts(NASM);
      const { subject, text } = renderReminder(
        { credentialNumber: 'CPT-9', reminder: { kind, daysBefore }, facts: f },
        NASM,
      );
      expect(subject).toContain(formatDate(date(dates)));
      expect(text).toContain('CPT-9');
      if (!kind.startsWith('audit')) {
        expect(text).toContain('The fee is $179.00');
        expect(text).toContain('You still need 0.50 CEUs (1.50 of 2.00 counted so far).');
      }
    },
  );

  it('when the late window is also the last chance (no reinstatement), then the text says the credential lapses', () => {
    const { facts: f } = facts(ACE);
    const { text } = renderReminder(
      { credentialNumber: 'ACE-9', reminder: { kind: 'late_window_closing', daysBefore: 30 }, facts: f },
      ACE,
    );
    expect(text).toContain('After that day the credential lapses and can no longer be renewed.');
  });

  it('when attempts fail, then waits double up to the cap and the last allowed failure gives up', () => {
    const retry = { baseMs: 30_000, capMs: 3_600_000, maxAttempts: 10 };
    const waits = Array.from({ length: 9 }, (_, i) => (nextAttemptAt(0, i + 1, retry) ?? -1) / 1000);
    expect(waits).toEqual([30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    expect(nextAttemptAt(0, 10, retry)).toBeNull();
  });
});
