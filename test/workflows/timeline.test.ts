import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import {
  addDays,
  addYears,
  cycleDates,
  cycleReminders,
  endOfDay,
  startOfDay,
  windowOn,
  type CalendarDate,
} from '../../rules';
import { NASM_CPT } from '../../rules/policies';
import { AuditState, CredentialPhase, ExpirationDate, PolicyId } from '../../workflows/search-attributes';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import { DEADLINE_GRACE_MS } from '../../workflows/cycle/application';
import {
  MockActivities,
  TZ,
  apply,
  at,
  codesOf,
  sleepUntil,
  scenario,
  stopSharedWorker,
  state,
  today,
} from './helpers';

const MINUTE = 60_000;

describe('credential timeline on real durations (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await stopSharedWorker();
    await env?.teardown();
  });

  it('when nobody renews, then the credential is active through E, late to E+90, in reinstatement to the day before E+1 year, and lapses on E+1 year (day before, of, after each boundary; ±1 minute around local midnight)', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const certified = await today(env);
      const handle = await start(certified);
      const E = addYears(certified, 2);
      const late = addDays(E, 90);
      const lapseDate = addYears(E, 1);
      const phaseAt = async (instant: number) => {
        await sleepUntil(env, instant);
        return (await state(handle)).phase;
      };

      const first = await state(handle);
      expect(first.phase).toBe('Active');
      expect(first.dates).toEqual({
        start: certified,
        expiration: E,
        lateWindowEnd: late,
        courseCutoff: late,
        lapseDate,
      });
      expect(first.nextDeadline).toEqual({
        what: 'expiration',
        at: new Date(endOfDay(E, TZ)).toISOString(),
      });

      // E: the day before, the last minute of E and the first minute after it, the day after.
      expect(await phaseAt(at(addDays(E, -1)))).toBe('Active');
      expect(await phaseAt(at(E))).toBe('Active');
      expect(await phaseAt(endOfDay(E, TZ) - MINUTE)).toBe('Active');
      expect(await phaseAt(endOfDay(E, TZ) + MINUTE)).toBe('ExpiredLate');
      const expired = await state(handle);
      expect(expired.today).toBe(addDays(E, 1));
      expect(expired.summary).toContain(`Expired ${E} — late window open until ${late}, fee $129`);
      expect(expired.feeQuote).toMatchObject({ accepted: true, window: 'late', total: 12_900 });
      expect(expired.lastApplicationDay).toBe(addDays(lapseDate, -1));
      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(CredentialPhase)).toBe('ExpiredLate');
      expect(description.typedSearchAttributes.get(PolicyId)).toBe('nasm-cpt');
      expect(description.typedSearchAttributes.get(AuditState)).toBe('None');
      expect(description.typedSearchAttributes.get(ExpirationDate)?.getTime()).toBe(startOfDay(E, TZ));
      expect(await phaseAt(at(addDays(E, 1)))).toBe('ExpiredLate');

      // E+90: the late window's last day, then reinstatement (late fee + additional fee).
      expect(await phaseAt(at(addDays(late, -1)))).toBe('ExpiredLate');
      expect(await phaseAt(at(late))).toBe('ExpiredLate');
      expect(await phaseAt(endOfDay(late, TZ) - MINUTE)).toBe('ExpiredLate');
      expect(await phaseAt(endOfDay(late, TZ) + MINUTE)).toBe('ExpiredReinstatement');
      expect((await state(handle)).feeQuote).toMatchObject({ window: 'reinstatement', total: 17_900 });
      expect(await phaseAt(at(addDays(late, 1)))).toBe('ExpiredReinstatement');

      // The lapse date: the day before still open; from its first minute the credential is lapsed and
      // takes no application; the run closes one receipt grace later (an application the API received
      // before the lapse date may still be on its way to a restarting worker).
      expect(await phaseAt(at(addDays(lapseDate, -1)))).toBe('ExpiredReinstatement');
      expect(await phaseAt(startOfDay(lapseDate, TZ) - MINUTE)).toBe('ExpiredReinstatement');
      expect(await phaseAt(startOfDay(lapseDate, TZ) + MINUTE)).toBe('Lapsed');
      expect(await codesOf(apply(handle, 17_900))).toContain('lapsed');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await sleepUntil(env, startOfDay(lapseDate, TZ) + DEADLINE_GRACE_MS + MINUTE);
      const outcome = await handle.result();
      expect(outcome).toEqual({
        credentialNumber: first.credentialNumber,
        cycle: 1,
        phase: 'Lapsed',
        closedOn: lapseDate,
      });
      expect((await handle.describe()).status.name).toBe('COMPLETED');

      const phases = mocks.events.flatMap((e) => (e.type === 'phase_changed' ? [[e.from, e.to, e.at]] : []));
      expect(phases.map(([from, to]) => `${from}->${to}`)).toEqual([
        'Active->ExpiredLate',
        'ExpiredLate->ExpiredReinstatement',
        'ExpiredReinstatement->Lapsed',
      ]);
      // Each transition is recorded at its boundary instant (workflow time), not later.
      const boundaries = [endOfDay(E, TZ), endOfDay(late, TZ), startOfDay(lapseDate, TZ)];
      phases.forEach(([, , t], i) => {
        expect(Number(t) - (boundaries[i] ?? 0)).toBeGreaterThanOrEqual(0);
        expect(Number(t) - (boundaries[i] ?? 0)).toBeLessThan(1000);
      });
      expect(mocks.eventTypes()[0]).toBe('cycle_started');
      expect(mocks.eventTypes().slice(-2)).toEqual(['phase_changed', 'lapsed']);
      const keys = mocks.events.map((e) => e.key);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  it('when certified on 29 February (in the future), then E is 28 February two years on and it expires at the end of that day', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const leapDay = nextLeapDay(await today(env));
      const handle = await start(leapDay);
      const E = addYears(leapDay, 2);
      expect(E).toBe(`${Number(leapDay.slice(0, 4)) + 2}-02-28`);
      // Enrolled ahead of its start: active, waiting on its own dates.
      expect((await state(handle)).dates.expiration).toBe(E);
      await sleepUntil(env, at(addDays(E, -1)));
      expect((await state(handle)).phase).toBe('Active');
      await sleepUntil(env, endOfDay(E, TZ) - MINUTE);
      expect((await state(handle)).phase).toBe('Active');
      await sleepUntil(env, endOfDay(E, TZ) + MINUTE);
      const view = await state(handle);
      expect(view.phase).toBe('ExpiredLate');
      expect(view.today).toBe(addDays(E, 1));
      expect(view.today.slice(5)).toBe('03-01');
    });
  });

  it('when imported with a 29 February start whose E is already past, then it starts in the window the dates say and sends no reminder whose moment had passed', async () => {
    const mocks = new MockActivities();
    await scenario(env, bundle, mocks, async ({ start }) => {
      const importedAt = await env.currentTimeMs();
      const now = await today(env);
      const leapDay = lastLeapDayWithPastExpiry(now);
      const handle = await start(leapDay);
      const dates = cycleDates(leapDay, NASM_CPT);
      expect(dates.expiration.slice(5)).toBe('02-28');
      const view = await state(handle);
      const expected = {
        in_cycle: 'Active',
        late: 'ExpiredLate',
        reinstatement: 'ExpiredReinstatement',
      } as const;
      const window = windowOn(dates, now);
      expect(window).not.toBe('in_cycle');
      if (window === 'lapsed') {
        expect(await handle.result()).toMatchObject({ phase: 'Lapsed' });
        return;
      }
      expect(view.phase).toBe(expected[window]);
      expect(mocks.events[0]).toMatchObject({ type: 'cycle_started', phase: expected[window] });
      // Nothing sent for the past: not the before-expiry reminders, not the 'expired' one.
      expect(view.remindersSent).toEqual([]);
      expect(mocks.reminders).toEqual([]);
      await sleepUntil(env, startOfDay(dates.lapseDate, TZ) + MINUTE);
      expect(await handle.result()).toMatchObject({ phase: 'Lapsed', closedOn: dates.lapseDate });
      // Only the reminders still ahead at import were sent, each once.
      const keys = mocks.reminderKeys();
      expect(new Set(keys).size).toBe(keys.length);
      const moments = cycleReminders(dates, NASM_CPT);
      expect(keys.sort()).toEqual(
        moments
          .filter((m) => m.at >= importedAt)
          .map((m) => m.key)
          .sort(),
      );
      expect(keys).toContain(`${leapDay}:lapse_approaching:30`);
      expect(moments.filter((m) => m.at < importedAt).length).toBeGreaterThanOrEqual(4);
    });
  });
});

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function nextLeapDay(after: CalendarDate): CalendarDate {
  for (let year = Number(after.slice(0, 4)); ; year += 1) {
    const candidate = `${year}-02-29`;
    if (isLeap(year) && candidate > after) return candidate;
  }
}

function lastLeapDayWithPastExpiry(today: CalendarDate): CalendarDate {
  for (let year = Number(today.slice(0, 4)); ; year -= 1) {
    const candidate = `${year}-02-29`;
    if (isLeap(year) && addYears(candidate, 2) < today) return candidate;
  }
}
