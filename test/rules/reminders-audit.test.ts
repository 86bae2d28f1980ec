import {
  ACE_CPT,
  NASM_CPT,
  auditReminders,
  cycleDates,
  cycleReminders,
  instantAt,
  isSelectedForAudit,
} from '../../rules';

describe('cycleReminders', () => {
  const dates = cycleDates('2024-03-15', NASM_CPT);

  it('when NASM reminders are scheduled, then they fall on E-90, E-60, E-30, E-7, E+1, late window end - 30 and lapse - 30 at 09:00 Phoenix', () => {
    const reminders = cycleReminders(dates, NASM_CPT);
    expect(reminders.map((r) => [r.key, r.on])).toEqual([
      ['2024-03-15:before_expiry:90', '2025-12-15'],
      ['2024-03-15:before_expiry:60', '2026-01-14'],
      ['2024-03-15:before_expiry:30', '2026-02-13'],
      ['2024-03-15:before_expiry:7', '2026-03-08'],
      ['2024-03-15:expired:0', '2026-03-16'],
      ['2024-03-15:late_window_closing:30', '2026-05-14'],
      ['2024-03-15:lapse_approaching:30', '2027-02-13'],
    ]);
    for (const reminder of reminders) {
      expect(reminder.at).toBe(instantAt(reminder.on, '09:00', 'America/Phoenix'));
    }
    expect(reminders[4]).toEqual({
      key: '2024-03-15:expired:0',
      kind: 'expired',
      daysBefore: 0,
      on: '2026-03-16',
      at: Date.UTC(2026, 2, 16, 16),
    });
  });

  it('when reminders are scheduled, then keys are unique and sorted by instant', () => {
    for (const [policy, start] of [
      [NASM_CPT, '2024-02-29'],
      [ACE_CPT, '2024-08-31'],
    ] as const) {
      const reminders = cycleReminders(cycleDates(start, policy), policy);
      expect(new Set(reminders.map((r) => r.key)).size).toBe(reminders.length);
      const instants = reminders.map((r) => r.at);
      expect(instants).toEqual([...instants].sort((a, b) => a - b));
    }
  });

  it('when ACE reminders are scheduled, then the grace period closing is announced and no separate lapse reminder repeats it', () => {
    const reminders = cycleReminders(cycleDates('2024-08-31', ACE_CPT), ACE_CPT);
    expect(reminders.map((r) => r.kind)).toEqual([
      'before_expiry',
      'before_expiry',
      'before_expiry',
      'before_expiry',
      'expired',
      'late_window_closing',
    ]);
    expect(reminders[5]).toMatchObject({ on: '2027-01-29', at: Date.UTC(2027, 0, 29, 17) });
  });

  it('when a policy has no late window, then no late-window reminder is scheduled', () => {
    const noLate = { ...NASM_CPT, lateWindow: {}, lapseAfter: { days: 1 } };
    const reminders = cycleReminders(cycleDates('2024-03-15', noLate), noLate);
    expect(reminders.map((r) => r.kind)).not.toContain('late_window_closing');
  });
});

describe('auditReminders', () => {
  it('when selected on 2026-02-01, then documents are due by the end of 2026-03-03 and a reminder goes 7 days before', () => {
    const schedule = auditReminders('2026-02-01', NASM_CPT, '2024-03-15', 'A-1');
    expect(schedule.deadlineOn).toBe('2026-03-03');
    expect(schedule.deadlineAt).toBe(Date.UTC(2026, 2, 4, 7));
    expect(schedule.reminders).toEqual([
      {
        key: '2024-03-15:audit_deadline:7:A-1',
        kind: 'audit_deadline',
        daysBefore: 7,
        on: '2026-02-24',
        at: Date.UTC(2026, 1, 24, 16),
      },
    ]);
  });

  it('when a re-application is audited again in the same cycle, even the same day, then its reminder key differs', () => {
    const first = auditReminders('2026-02-01', NASM_CPT, '2024-03-15', 'A-1').reminders[0]?.key;
    const second = auditReminders('2026-02-01', NASM_CPT, '2024-03-15', 'A-2').reminders[0]?.key;
    expect(first).toBe('2024-03-15:audit_deadline:7:A-1');
    expect(first).not.toBe(second);
  });

  it('when the ACE audit deadline crosses the DST change, then it is the end of the day in Pacific time', () => {
    const schedule = auditReminders('2026-02-20', ACE_CPT, '2024-03-15', 'A-1');
    expect(schedule.deadlineOn).toBe('2026-03-22');
    expect(schedule.deadlineAt).toBe(Date.UTC(2026, 2, 23, 7));
    expect(schedule.reminders[0]).toMatchObject({ on: '2026-03-15', at: Date.UTC(2026, 2, 15, 16) });
  });
});

describe('isSelectedForAudit', () => {
  it.each([
    [0, false, true],
    [999, false, true],
    [1000, false, false],
    [9999, false, false],
    [9999, true, true],
  ])(
    'when the draw is %p and forced is %p, then selected is %p (10%% NASM rate)',
    (draw, forced, selected) => {
      expect(isSelectedForAudit(draw, NASM_CPT, forced)).toBe(selected);
    },
  );

  it('when the ACE rate is 5%, then 499 is selected and 500 is not', () => {
    expect(isSelectedForAudit(499, ACE_CPT, false)).toBe(true);
    expect(isSelectedForAudit(500, ACE_CPT, false)).toBe(false);
  });

  it.each([-1, 10000, 1.5, Number.NaN])('when the draw is %p, then it is refused', (draw) => {
    expect(() => isSelectedForAudit(draw, NASM_CPT, false)).toThrow(RangeError);
  });
});
