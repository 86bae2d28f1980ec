import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../support/temporal';
import type { CredentialInput } from '../../workflows/contract';
import { historyFromFixture } from './history-fixtures';

// Recorded histories of representative runs (see record-histories.ts). A change to the workflow
// that would not replay them deterministically fails here, before it reaches running credentials.
// The first release's fixtures stand for runs still open on it (workflows/v1); `v2-*` for runs of the
// versioned engine that record by local activity, `v3-*` for its runs that record by the worker's
// sink (workflows/cycle/projector.ts) since they asked the patch, `v4-*` for its runs started with
// `recordsBySink` in their input (workflows/start.ts): all must replay whatever the rules in code say
// (a run's rules come from its input).
const directory = join(__dirname, 'histories');
const fixtures = readdirSync(directory)
  .filter((f) => f.endsWith('.json'))
  .sort();
const versioned = fixtures.filter((f) => /^v[234]-/.test(f));

/** Replays a fixture, its run's input first changed by `editInput` when given. */
function replay(
  bundle: WorkflowBundleWithSourceMap,
  file: string,
  editInput?: (input: CredentialInput) => CredentialInput,
): Promise<void> {
  const history = historyFromFixture(readFileSync(join(directory, file), 'utf8'));
  expect(history.events?.length).toBeGreaterThan(10);
  if (editInput) {
    const payload = history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!payload?.data) throw new Error(`${file} has no input`);
    const input = JSON.parse(Buffer.from(payload.data).toString('utf8')) as CredentialInput;
    payload.data = Buffer.from(JSON.stringify(editInput(input)));
  }
  return Worker.runReplayHistory({ workflowBundle: bundle }, history, file.replace(/\.json$/, ''));
}

function eventTypes(file: string): string[] {
  const history = JSON.parse(readFileSync(join(directory, file), 'utf8')) as {
    events: { eventType: string }[];
  };
  return history.events.map((e) => e.eventType);
}

describe('replay of recorded histories', () => {
  let bundle: WorkflowBundleWithSourceMap;
  let changedRules: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
    // The same code with rules/policies.ts edited (a higher fee, another audit rate, one more reminder).
    changedRules = await bundleWorkflows({
      [require.resolve('../../rules/policies')]: require.resolve('./changed-policies'),
    });
  });

  it("when the fixtures are listed, then the first release's three runs and the versioned engine's, by local activity, by sink after the patch and by sink from the input, are there", () => {
    expect(fixtures).toEqual([
      'audit-no-documents-lapse.json',
      'petitions-audit-revoke.json',
      'renewal-20-ceus.json',
      'v2-audit-no-documents-lapse.json',
      'v2-petitions-audit-revoke.json',
      'v2-renewal-20-ceus.json',
      'v3-audit-no-documents-lapse.json',
      'v3-hand-back-revoke.json',
      'v3-petitions-audit-revoke.json',
      'v3-renewal-20-ceus.json',
      'v4-audit-no-documents-lapse.json',
      'v4-hand-back-revoke.json',
      'v4-petitions-audit-revoke.json',
      'v4-renewal-20-ceus.json',
    ]);
  });

  it.each(fixtures)(
    'when %s is replayed with the current workflow code, then it is deterministic',
    async (file) => {
      await expect(replay(bundle, file)).resolves.toBeUndefined();
    },
  );

  it.each(versioned)(
    'when %s is replayed after the rules in code changed (fee, audit rate, reminders), then it is still deterministic',
    async (file) => {
      await expect(replay(changedRules, file)).resolves.toBeUndefined();
    },
  );

  it("when the first release's fixtures are replayed after the rules in code changed, then they fail: the check above can see a run that reads the rules", async () => {
    await expect(replay(changedRules, 'renewal-20-ceus.json')).rejects.toThrow(/[Nn]ondetermin/);
  });

  it('when a full cycle with 20 CEU completions, CPR/AED and an application renews, then its history has at most 120 events', () => {
    const types = eventTypes('v4-renewal-20-ceus.json');
    expect(types.at(-1)).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    expect(types.filter((t) => t === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(21);
    expect(types.length).toBeLessThanOrEqual(120);
    // The first release needed 324 for the same cycle, and recording by local activity 117.
    expect(eventTypes('renewal-20-ceus.json').length).toBeGreaterThan(300);
    expect(eventTypes('v2-renewal-20-ceus.json').length).toBeGreaterThan(types.length);
    // Asking the by-sink patch cost every run a marker and a TemporalChangeVersion upsert.
    expect(eventTypes('v3-renewal-20-ceus.json').length).toBe(types.length + 2);
  });

  it('when a run started with recordsBySink was run by a worker that still asked the patch, then it replays on this code (the patch is asked again in replay, matching its marker)', async () => {
    // The API or import may roll out before the worker: the older worker ignores the flag, asks the
    // patch and records its marker. Unmatched, that marker would be nondeterministic here.
    await expect(
      replay(bundle, 'v3-renewal-20-ceus.json', (input) => ({ ...input, recordsBySink: true })),
    ).resolves.toBeUndefined();
  });

  it('when the hand-back fixture is read, then its run recorded by sink until the worker handed a batch back, and by local activity after', () => {
    const history = JSON.parse(readFileSync(join(directory, 'v3-hand-back-revoke.json'), 'utf8')) as {
      events: {
        markerRecordedEventAttributes?: { markerName?: string };
        workflowExecutionSignaledEventAttributes?: { signalName?: string };
      }[];
    };
    const steps = history.events
      .map((e) =>
        e.workflowExecutionSignaledEventAttributes?.signalName === 'recordingFailed'
          ? 'handed back'
          : e.markerRecordedEventAttributes?.markerName === 'core_local_activity'
            ? 'local activity'
            : null,
      )
      .filter((step) => step !== null);
    expect(steps[0]).toBe('handed back');
    expect(steps.slice(1)).toEqual(steps.slice(1).map(() => 'local activity'));
    expect(steps.length).toBeGreaterThan(1);
  });
});
