import { addDays, addYears, dateAt } from '../../rules/calendar';
import { NASM_CPT } from '../../rules/policies';
import { credentialWorkflowId } from '../../workflows/contract';
import { eventually, type HttpClient, httpClient } from '../support/http';
import { startStack, type Stack } from '../support/stack';

// What a course provider (the `service` role) and the portal learn about their reports, over real
// HTTP against the real worker, Temporal dev server and PostgreSQL: a clear 400 for a report that can
// never be right (and nothing reaches the workflow), a 409 for a correction, a duplicate for an exact
// repeat, and afterwards whether each report counts, in a feed by seq cursor that shows a key only
// its own reports.

interface Outcome {
  credentialNumber: string;
  kind: 'ceu' | 'cpr_aed';
  source: string;
  externalId: string;
  outcome: 'counted' | 'not_counted' | 'refused';
  counts: boolean;
  reasonCode: string | null;
  message: string | null;
  reportedBy: { kind: string; id: string };
  seq: string;
}

interface Feed {
  items: Outcome[];
  cursor: string;
  more: boolean;
}

interface ReportAnswer {
  credentialNumber: string;
  accepted: boolean;
  duplicate: boolean;
  status: string;
  outcome: Outcome | null;
}

const TZ = NASM_CPT.timeZone;

describe('provider reports: validation, corrections and outcomes over HTTP', () => {
  let stack: Stack;
  let call: HttpClient;
  const keys = { acme: '', other: '', portal: '', ops: '' };
  const ids = { acme: '', other: '', portal: '', ops: '' };
  const NUMBER = 'PR-REPORTS-1';
  const today = dateAt(Date.now(), TZ);
  // In its first cycle, which started a year ago less a day.
  const certifiedOn = addDays(addYears(today, -1), 1);

  const course = {
    provider: 'acme-ce',
    completionId: 'C-1',
    course: 'Program design',
    units: '0.50',
    completedOn: addDays(today, -3),
    approved: true,
  };
  const card = {
    certificationId: 'CPR-OK',
    issuedOn: addDays(today, -30),
    expiresOn: addDays(today, 700),
    handsOn: true,
  };

  const reportCourse = (body: unknown, token = keys.acme) =>
    call<ReportAnswer>('POST', `/credentials/${NUMBER}/ceu-completions`, { token, body });
  const reportCard = (body: unknown, token = keys.portal) =>
    call<ReportAnswer>('POST', `/credentials/${NUMBER}/cpr-aed`, { token, body });
  const feed = (token: string, query = '') => call<Feed>('GET', `/report-outcomes${query}`, { token });

  /** Signals the workflow has received: a report refused by the API must never add one. */
  async function signalCount(): Promise<number> {
    const history = await stack.env.client.workflow.getHandle(credentialWorkflowId(NUMBER)).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
  }

  /** Waits until PostgreSQL's snapshot of the run holds a report (what the API compares with). */
  async function recorded(what: (s: { completionIds: string[]; certificationIds: string[] }) => boolean) {
    await eventually(
      async () => {
        const state = await stack.repository.findCredentialState(NUMBER);
        const snapshot = state?.snapshot;
        return (
          snapshot &&
          what({
            completionIds: snapshot.completions.map((c) => c.completionId),
            certificationIds: snapshot.cprAed.map((c) => c.certificationId),
          })
        );
      },
      20_000,
      'report recorded in PostgreSQL',
    );
  }

  /** The key's whole feed once it holds `externalId` (outcomes appear after they settle). */
  async function feedWith(token: string, externalId: string): Promise<Outcome[]> {
    return eventually(
      async () => {
        const page = await feed(token, '?limit=500');
        expect(page.status).toBe(200);
        return page.body.items.some((o) => o.externalId === externalId) && page.body.items;
      },
      30_000,
      `outcome of ${externalId} in the feed`,
    );
  }

  beforeAll(async () => {
    stack = await startStack({ taskQueue: 'provider-reports', auditDraw: () => 9_999 });
    call = httpClient(stack.baseUrl);
    const roles = { acme: 'service', other: 'service', portal: 'portal', ops: 'ops' } as const;
    for (const [name, role] of Object.entries(roles) as [
      keyof typeof roles,
      (typeof roles)[keyof typeof roles],
    ][]) {
      const key = await stack.repository.createApiKey(role, `provider-reports ${name}`);
      keys[name] = key.token;
      ids[name] = key.id;
    }
    const enrolled = await call('POST', '/credentials', {
      token: keys.acme,
      body: {
        credentialNumber: NUMBER,
        certificationDate: certifiedOn,
        holder: { name: 'Report Holder', email: 'report.holder@example.com' },
      },
    });
    expect(enrolled.status).toBe(202);
    await recorded(() => true);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe('a report that can never be right is a 400 naming the field, and never reaches the workflow', () => {
    let signalsBefore = 0;
    beforeAll(async () => {
      signalsBefore = await signalCount();
    });
    afterAll(async () => {
      expect(await signalCount()).toBe(signalsBefore);
    });

    const invalidCourses: [string, Record<string, unknown>, string, RegExp][] = [
      ['units over the range of one course', { units: '30000000' }, 'units', /at most .*99\.99 CEUs/],
      ['units of 100.00 CEUs', { units: '100.00' }, 'units', /at most .*99\.99 CEUs/],
      ['zero units', { units: '0.00' }, 'units', /more than 0/],
      ['a date in year 0', { completedOn: '0000-01-01' }, 'completedOn', /from 1900-01-01 to 2999-12-31/],
      ['a far-past date', { completedOn: '1899-12-31' }, 'completedOn', /from 1900-01-01 to 2999-12-31/],
      ['an impossible date', { completedOn: '2026-02-30' }, 'completedOn', /real calendar date/],
      [
        "a completion dated tomorrow in the policy's time zone",
        { completedOn: addDays(today, 1) },
        'completedOn',
        /after the day it was reported .*report it once it is completed/,
      ],
      ['half an emoji in the course name', { course: 'Yoga \ud83d' }, 'course', /well-formed Unicode/],
      ['a control character in the course name', { course: 'Yoga\u0000' }, 'course', /control characters/],
      ['a control character in the completion id', { completionId: 'C\u0001' }, 'completionId', /control/],
      ['half an emoji in the provider', { provider: '\udc00acme' }, 'provider', /well-formed Unicode/],
    ];

    it.each(invalidCourses)(
      'when a course report has %s, then 400 on that field',
      async (_, change, field, message) => {
        const answer = await reportCourse({ ...course, completionId: 'BAD-1', ...change });
        expect(answer.status).toBe(400);
        expect(answer.body.error.code).toBe('validation_failed');
        expect(answer.body.error.details).toEqual([
          expect.objectContaining({ field, message: expect.stringMatching(message) }),
        ]);
      },
    );

    const invalidCards: [string, Record<string, unknown>, string, RegExp][] = [
      [
        'an expiry before its issue date',
        { issuedOn: addDays(today, -10), expiresOn: addDays(today, -11) },
        'expiresOn',
        /expires on .*before it was issued/,
      ],
      [
        "an issue date tomorrow in the policy's time zone",
        { issuedOn: addDays(today, 1) },
        'issuedOn',
        /after the day it was reported/,
      ],
      ['a date in year 0', { expiresOn: '0000-12-31' }, 'expiresOn', /from 1900-01-01/],
      ['half an emoji in the id', { certificationId: 'cpr-\ud83d' }, 'certificationId', /well-formed/],
    ];

    it.each(invalidCards)(
      'when a CPR/AED report has %s, then 400 on that field',
      async (_, change, field, message) => {
        const answer = await reportCard({ ...card, certificationId: 'BAD-CPR', ...change });
        expect(answer.status).toBe(400);
        expect(answer.body.error.details).toEqual([
          expect.objectContaining({ field, message: expect.stringMatching(message) }),
        ]);
      },
    );
  });

  describe('a correction is a conflict; an exact repeat is a duplicate', () => {
    it('when a course is reported, then 202 with where to read its outcome; an exact repeat is a duplicate', async () => {
      const first = await reportCourse(course);
      expect(first.status).toBe(202);
      expect(first.body).toEqual({
        credentialNumber: NUMBER,
        accepted: true,
        duplicate: false,
        status: `/credentials/${NUMBER}/ceu-completions/acme-ce/C-1`,
        outcome: null,
      });
      expect(first.headers.get('location')).toBe(first.body.status);
      await recorded((s) => s.completionIds.includes('C-1'));

      const signals = await signalCount();
      const repeat = await reportCourse({ ...course, course: '  Program design ' });
      expect(repeat.status).toBe(202);
      // Recorded in the same transaction as the snapshot: the duplicate answer already says it counts.
      expect(repeat.body).toMatchObject({
        accepted: true,
        duplicate: true,
        outcome: { externalId: 'C-1', outcome: 'counted', counts: true },
      });
      // Another provider's key repeating the same facts learns it is a duplicate, not their outcome.
      const theirs = await reportCourse(course, keys.other);
      expect(theirs.body).toMatchObject({ duplicate: true, outcome: null });
      expect(await signalCount()).toBe(signals);
    });

    it.each([
      ['other units', { units: '0.75' }, '"Program design", 0.75 CEUs'],
      [
        'another date',
        { completedOn: addDays(today, -4) },
        `"Program design", 0.50 CEUs, completed ${addDays(today, -4)}`,
      ],
      ['another course', { course: 'Program design II' }, '"Program design II", 0.50 CEUs'],
    ])(
      'when the same completion id comes with %s, then 409 showing both versions and nothing changes',
      async (_, change, reported) => {
        const signals = await signalCount();
        const answer = await reportCourse({ ...course, ...change });
        expect(answer.status).toBe(409);
        expect(answer.body.error.code).toBe('conflict');
        const { message } = answer.body.error;
        expect(message).toContain(
          `already reported as "Program design", 0.50 CEUs, completed ${course.completedOn}, approved`,
        );
        expect(message).toContain(`this report says ${reported}`);
        expect(message).toMatch(/report them under a new completion id/);
        expect(message).not.toMatch(/ask ops/);
        expect(answer.body.error.details).toEqual([
          expect.objectContaining({ code: 'conflicting_correction' }),
        ]);
        expect(await signalCount()).toBe(signals);
      },
    );

    it('when a CPR/AED card is re-sent with another expiry, then 409 showing both versions', async () => {
      expect((await reportCard(card)).status).toBe(202);
      await recorded((s) => s.certificationIds.includes('CPR-OK'));
      expect((await reportCard(card)).body).toMatchObject({
        duplicate: true,
        outcome: { kind: 'cpr_aed', externalId: 'CPR-OK', outcome: 'counted' },
      });
      const answer = await reportCard({ ...card, expiresOn: addDays(today, 800) });
      expect(answer.status).toBe(409);
      expect(answer.body.error.message).toContain(
        `already reported as issued ${card.issuedOn}, expires ${card.expiresOn}`,
      );
      expect(answer.body.error.message).toContain(
        `this report says issued ${card.issuedOn}, expires ${addDays(today, 800)}`,
      );
    });

    it('when the provider reads the completion, then the first report stands', async () => {
      const read = await call<Outcome & { recorded: { units: string; course: string } }>(
        'GET',
        `/credentials/${NUMBER}/ceu-completions/acme-ce/C-1`,
        { token: keys.acme },
      );
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({
        outcome: 'counted',
        counts: true,
        recorded: { course: 'Program design', units: '0.50' },
      });
    });
  });

  describe('providers learn whether each report counts, and only their own', () => {
    it('when a course is outside the cycle or not approved, then the feed says so with the reason', async () => {
      const beforeCycle = { ...course, completionId: 'OLD-1', completedOn: addDays(certifiedOn, -10) };
      const notApproved = { ...course, completionId: 'NA-1', approved: false };
      expect((await reportCourse(beforeCycle)).status).toBe(202);
      expect((await reportCourse(notApproved)).status).toBe(202);

      // Decided: readable by id at once, but in the feed only once settled (a cursor never skips it).
      const decided = await eventually(
        () => stack.repository.reportOutcome(NUMBER, 'ceu', 'acme-ce', 'NA-1'),
        20_000,
        'NA-1 decided',
      );
      const fresh = Date.now() - Date.parse(decided.updatedAt) < 1_000;
      const early = (await feed(keys.acme, '?limit=500')).body.items.map((o) => o.externalId);
      if (fresh) expect(early).not.toContain('NA-1');

      const items = await feedWith(keys.acme, 'NA-1');
      const byId = new Map(items.map((o) => [o.externalId, o]));
      expect(byId.get('C-1')).toMatchObject({ outcome: 'counted', counts: true, reasonCode: null });
      expect(byId.get('OLD-1')).toMatchObject({
        credentialNumber: NUMBER,
        kind: 'ceu',
        source: 'acme-ce',
        outcome: 'not_counted',
        counts: false,
        reasonCode: 'before_cycle',
        message: 'The course was completed before the cycle began.',
        reportedBy: { kind: 'service', id: ids.acme },
      });
      expect(byId.get('NA-1')).toMatchObject({ outcome: 'not_counted', reasonCode: 'not_approved' });
      // Oldest change first, by seq.
      const seqs = items.map((o) => BigInt(o.seq));
      expect([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(seqs);
    });

    it('when an expired CPR/AED card is reported, then its reporter reads "expired" in the feed and by id', async () => {
      const expired = {
        certificationId: 'CPR-OLD',
        issuedOn: addDays(today, -800),
        expiresOn: addDays(today, -70),
        handsOn: true,
      };
      expect((await reportCard(expired)).status).toBe(202);
      const items = await feedWith(keys.portal, 'CPR-OLD');
      expect(items.find((o) => o.externalId === 'CPR-OLD')).toMatchObject({
        kind: 'cpr_aed',
        outcome: 'not_counted',
        counts: false,
        reasonCode: 'cpr_aed_expired',
        message: 'The CPR/AED certification has expired.',
      });
      const one = await call<Outcome>('GET', `/credentials/${NUMBER}/cpr-aed/CPR-OLD`, {
        token: keys.portal,
      });
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        reasonCode: 'cpr_aed_expired',
        recorded: { expiresOn: expired.expiresOn },
      });
    });

    it('when a provider pages with the cursor, then it reads each of its outcomes once, in order', async () => {
      const all = (await feed(keys.acme, '?limit=500')).body.items.map((o) => o.externalId);
      expect(all.length).toBeGreaterThanOrEqual(3);
      const paged: string[] = [];
      let after = '0';
      for (;;) {
        const page = await feed(keys.acme, `?after=${after}&limit=1`);
        expect(page.status).toBe(200);
        paged.push(...page.body.items.map((o) => o.externalId));
        after = page.body.cursor;
        if (!page.body.more) break;
      }
      expect(paged).toEqual(all);
      const caughtUp = await feed(keys.acme, `?after=${after}`);
      expect(caughtUp.body).toEqual({ items: [], cursor: after, more: false });
    });

    it('when another provider reads, then it sees none of these reports', async () => {
      const mine = { ...course, provider: 'other-edu', completionId: 'O-1' };
      expect((await reportCourse(mine, keys.other)).status).toBe(202);
      const items = await feedWith(keys.other, 'O-1');
      expect(items.map((o) => o.externalId)).toEqual(['O-1']);

      const theirs = await call('GET', `/credentials/${NUMBER}/ceu-completions/acme-ce/C-1`, {
        token: keys.other,
      });
      expect(theirs.status).toBe(404);
      const askedFor = await feed(keys.other, `?reportedBy=${ids.acme}`);
      expect(askedFor.status).toBe(403);
      // The portal's feed holds its cards only.
      expect((await feed(keys.portal, '?limit=500')).body.items.every((o) => o.kind === 'cpr_aed')).toBe(
        true,
      );
    });

    it('when ops read, then they see every reporter, or one', async () => {
      const all = (await feed(keys.ops, '?limit=500')).body.items;
      expect(new Set(all.map((o) => o.reportedBy.id))).toEqual(new Set([ids.acme, ids.other, ids.portal]));
      const acme = (await feed(keys.ops, `?limit=500&reportedBy=${ids.acme}`)).body.items;
      expect(acme.length).toBeGreaterThan(0);
      expect(acme.every((o) => o.reportedBy.id === ids.acme)).toBe(true);
      const one = await call('GET', `/credentials/${NUMBER}/ceu-completions/acme-ce/C-1`, {
        token: keys.ops,
      });
      expect(one.status).toBe(200);
    });
  });
});
