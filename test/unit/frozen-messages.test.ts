import { NASM_CPT } from '../../rules/policies';
import * as fresh from '../../workflows/messages';

// The worker preloads workflows/messages.ts (worker/bundle-options.ts): the message schemas, zod and
// rules/fields.ts are evaluated once and shared by every workflow, and Temporal deep-freezes what
// those modules export. A schema that writes to itself while parsing (zod resets `lastIndex` on its
// patterns) would throw in every workflow. Here each schema, frozen the way the SDK freezes it, must
// parse every sample exactly like an unfrozen copy: same success, same value, same messages.

/** The SDK's deepFreeze (worker/lib/workflow/reusable-vm.js): objects recursively, functions shallowly. */
function deepFreeze(object: unknown, visited = new WeakSet<object>()): void {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return;
  if (visited.has(object) || Object.isFrozen(object)) return;
  visited.add(object);
  if (typeof object === 'object') {
    for (const name of [...Object.getOwnPropertyNames(object), ...Object.getOwnPropertySymbols(object)]) {
      const value = (object as Record<string | symbol, unknown>)[name];
      try {
        deepFreeze(value, visited);
      } catch {
        // The SDK ignores what cannot be frozen (e.g. typed arrays).
      }
    }
  }
  Object.freeze(object);
}

/** Another copy of the modules (zod included), frozen after evaluation like a preloaded module. */
function frozenCopy(): typeof fresh {
  let copy: typeof fresh | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports -- a second, isolated module instance */
    copy = require('../../workflows/messages') as typeof fresh;
    deepFreeze(require('zod'));
    deepFreeze(require('../../rules/fields'));
    deepFreeze(require('../../rules/policy-schema'));
    /* eslint-enable @typescript-eslint/no-require-imports */
    deepFreeze(copy);
  });
  if (!copy) throw new Error('no copy');
  return copy;
}

const actor = { kind: 'ops', id: 'key-1' };
const at = '2026-03-14T23:59:50Z';
const ceu = {
  provider: 'acme',
  completionId: 'c-1',
  course: 'Anatomy',
  units: 50,
  completedOn: '2026-03-01',
  approved: true,
  reportedBy: actor,
  receivedAt: at,
};
const cpr = {
  certificationId: 'cpr-1',
  issuedOn: '2026-01-01',
  expiresOn: '2028-01-01',
  handsOn: true,
  reportedBy: actor,
  receivedAt: '2026-03-14T16:59:50-07:00',
};
const petition = {
  course: 'Course',
  provider: null,
  requestedUnits: 100,
  completedOn: '2026-02-02',
  paymentReference: 'pay-1',
  amountPaid: 5000,
  filedBy: actor,
};

/** Valid messages, then each broken in the ways a client breaks them (every field's checks). */
const SAMPLES: Record<string, readonly unknown[]> = {
  ReportCeuCompletionMessage: [
    ceu,
    { ...ceu, receivedAt: undefined },
    { ...ceu, receivedAt: '2026-03-14' },
    { ...ceu, receivedAt: '2026-03-14T23:59:50' },
    { ...ceu, receivedAt: '2026-03-14T23:59:50.123+02:00' },
    { ...ceu, receivedAt: 'yesterday' },
    { ...ceu, receivedAt: 42 },
    { ...ceu, units: '0.50', reportedBy: undefined },
    { ...ceu, units: 0.5 },
    { ...ceu, units: 10_000 },
    { ...ceu, provider: 'petition' },
    { ...ceu, course: '  ' },
    { ...ceu, course: 'a\u0000b' },
    { ...ceu, course: 'half \uD83D' },
    { ...ceu, completionId: 'x'.repeat(201) },
    { ...ceu, completedOn: '2026-02-30' },
    { ...ceu, completedOn: '0026-01-01' },
    { ...ceu, approved: 'yes' },
    { ...ceu, reportedBy: { kind: 'system', id: 'workflow' } },
    { ...ceu, unit: 50 },
    null,
    'text',
    [],
  ],
  ReportCprAedMessage: [cpr, { ...cpr, receivedAt: '2026-13-14T16:59:50Z' }, { ...cpr, handsOn: 1 }],
  FilePetitionMessage: [
    petition,
    { ...petition, provider: 'p' },
    { ...petition, amountPaid: -1 },
    { ...petition, receivedAt: at },
  ],
  DecidePetitionMessage: [
    { petitionId: 'p-1', decision: 'approved', grantedUnits: 50, decidedBy: actor, receivedAt: at },
    { petitionId: 'p-1', decision: 'maybe', reason: '', decidedBy: actor },
  ],
  SubmitApplicationMessage: [
    { paymentReference: 'pay', amountPaid: 9900, submittedBy: actor, receivedAt: at },
    { paymentReference: 'pay', amountPaid: 1.5, submittedBy: actor, receivedAt: 'now' },
  ],
  SubmitAuditDocumentsMessage: [
    { documents: [{ reference: 'd', description: 'Certificate' }], submittedBy: actor },
    { documents: [], submittedBy: actor },
    { documents: 'd', submittedBy: actor },
  ],
  DecideAuditMessage: [
    { outcome: 'passed', reason: 'ok', decidedBy: actor, receivedAt: at },
    { outcome: 'lost', reason: 'ok', decidedBy: actor },
  ],
  RevokeMessage: [{ reason: 'fraud', revokedBy: actor, receivedAt: at }, { reason: 'fraud' }],
  UpgradeMessage: [{ requestedBy: actor }, { requestedBy: actor, reason: 7 }],
  RecordingFailedMessage: [
    { batch: 3 },
    { batch: 0 },
    { batch: 1.5 },
    { batch: '3' },
    { batch: 3, extra: 1 },
  ],
  PolicyVersionMessage: [
    NASM_CPT,
    { ...NASM_CPT, id: 'NASM CPT' },
    { ...NASM_CPT, timeZone: 'Mars/Olympus' },
    { ...NASM_CPT, reminders: { ...NASM_CPT.reminders, timeOfDay: '24:00' } },
    { ...NASM_CPT, reminders: { ...NASM_CPT.reminders, timeOfDay: '09:30' } },
    { ...NASM_CPT, cycleLength: {} },
  ],
};

describe('message schemas shared by every workflow (preloaded, deep-frozen)', () => {
  const frozen = frozenCopy();

  it('are frozen in the copy and not in the original', () => {
    expect(Object.isFrozen(frozen.ReportCeuCompletionMessage)).toBe(true);
    expect(Object.isFrozen(fresh.ReportCeuCompletionMessage)).toBe(false);
  });

  it.each(Object.entries(SAMPLES))('%s parses every sample frozen exactly as unfrozen', (name, samples) => {
    const schema = (s: typeof fresh) =>
      s[name as keyof typeof fresh] as Parameters<typeof fresh.parseMessage>[0];
    for (const sample of samples) {
      const expected = fresh.parseMessage(schema(fresh), sample);
      // Twice: a schema that caches something on first use must not fail on the second.
      expect(frozen.parseMessage(schema(frozen), sample)).toEqual(expected);
      expect(frozen.parseMessage(schema(frozen), sample)).toEqual(expected);
    }
    // Both outcomes are exercised.
    expect(samples.some((s) => fresh.parseMessage(schema(fresh), s).ok)).toBe(true);
    expect(samples.some((s) => !fresh.parseMessage(schema(fresh), s).ok)).toBe(true);
  });
});
