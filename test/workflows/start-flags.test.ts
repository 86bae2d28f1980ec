import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { getPolicy } from '../../rules/policies';
import type { credential } from '../../workflows';
import { CREDENTIAL_WORKFLOW_TYPE, credentialWorkflowId, upgrade } from '../../workflows/contract';
import { RECORD_BY_SINK_PATCH } from '../../workflows/cycle/projector';
import { newCredentialInput } from '../../workflows/start';
import { bundleWorkflows, startTimeSkippingServer } from '../support/temporal';
import {
  MockActivities,
  OPS,
  createWorker,
  eventually,
  eventuallyAsync,
  reportCourse,
  startCredential,
  today,
  unique,
} from './helpers';

// A run started by this code carries `recordsBySink` in its input (workflows/start.ts) and records by
// sink without asking the patch: no marker and no TemporalChangeVersion upsert at its start. A run
// started without it (a client talking to Temporal directly) asks the patch and records by sink too.

interface Recording {
  patchMarkers: number;
  changeVersionUpserts: number;
  localActivities: number;
  recordsBySink: unknown;
}

async function recordingOf(handle: WorkflowHandle, runId?: string): Promise<Recording> {
  const history = await handle.client.getHandle(handle.workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  const input = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  const markers = events.map((e) => e.markerRecordedEventAttributes?.markerName);
  return {
    patchMarkers: markers.filter((name) => name === 'core_patch').length,
    changeVersionUpserts: events.filter(
      (e) =>
        e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields
          ?.TemporalChangeVersion,
    ).length,
    localActivities: markers.filter((name) => name === 'core_local_activity').length,
    recordsBySink: (JSON.parse(Buffer.from(input ?? []).toString('utf8')) as { recordsBySink?: unknown })
      .recordsBySink,
  };
}

describe('what a run is started with: recording by sink without a patch marker (time-skipping server)', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([startTimeSkippingServer(), bundleWorkflows()]);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('when this code starts a run and it continues as new, then both runs record by sink with no patch marker and no TemporalChangeVersion upsert', async () => {
    const mocks = new MockActivities();
    const queue = unique('start-flags');
    const worker = await createWorker(env, bundle, queue, mocks);
    await worker.runUntil(async () => {
      const certified = await today(env);
      const handle = await startCredential(env, queue, certified);
      const { runId } = await handle.describe();
      await reportCourse(handle, 10, certified);
      await eventually(() => expect(mocks.events.map((e) => e.type)).toContain('ceu_completion_reported'));
      await handle.signal(upgrade, { requestedBy: OPS });
      await eventuallyAsync(async () => expect((await handle.describe()).runId).not.toBe(runId));
      await reportCourse(handle, 10, certified);
      await eventually(() =>
        expect(mocks.events.filter((e) => e.type === 'ceu_completion_reported')).toHaveLength(2),
      );

      const bySinkWithoutPatch = {
        patchMarkers: 0,
        changeVersionUpserts: 0,
        localActivities: 0,
        recordsBySink: true,
      };
      expect(await recordingOf(handle, runId)).toEqual(bySinkWithoutPatch);
      expect(await recordingOf(handle)).toEqual(bySinkWithoutPatch);
    });
  });

  it('when a client starts a run without the flag, then the run asks the patch and records by sink', async () => {
    const mocks = new MockActivities();
    const queue = unique('start-flags');
    const worker = await createWorker(env, bundle, queue, mocks);
    await worker.runUntil(async () => {
      const certified = await today(env);
      const input = newCredentialInput({
        credentialNumber: unique('CPT'),
        certifiedOn: certified,
        versions: [getPolicy('nasm-cpt')],
      });
      const handle = await env.client.workflow.start<typeof credential>(CREDENTIAL_WORKFLOW_TYPE, {
        workflowId: credentialWorkflowId(input.credentialNumber),
        taskQueue: queue,
        args: [input],
      });
      await reportCourse(handle, 10, certified);
      await eventually(() => expect(mocks.events.map((e) => e.type)).toContain('ceu_completion_reported'));
      expect(await recordingOf(handle)).toEqual({
        patchMarkers: 1,
        changeVersionUpserts: 1,
        localActivities: 0,
        recordsBySink: undefined,
      });
      const marker = (await handle.fetchHistory()).events?.find(
        (e) => e.markerRecordedEventAttributes?.markerName === 'core_patch',
      );
      const details = marker?.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
      expect(Buffer.from(details ?? []).toString('utf8')).toContain(RECORD_BY_SINK_PATCH);
    });
  });
});
