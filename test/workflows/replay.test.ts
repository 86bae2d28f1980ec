import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../support/temporal';
import { historyFromFixture } from './history-fixtures';

// Recorded histories of representative runs (see record-histories.ts). A change to the workflow
// that would not replay them deterministically fails here, before it reaches running credentials.
const directory = join(__dirname, 'histories');
const fixtures = readdirSync(directory)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('replay of recorded histories', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleWorkflows();
  });

  it('when the fixtures are listed, then the three representative runs are there', () => {
    expect(fixtures).toEqual([
      'audit-no-documents-lapse.json',
      'petitions-audit-revoke.json',
      'renewal-20-ceus.json',
    ]);
  });

  it.each(fixtures)(
    'when %s is replayed with the current workflow code, then it is deterministic',
    async (file) => {
      const history = historyFromFixture(readFileSync(join(directory, file), 'utf8'));
      expect(history.events?.length).toBeGreaterThan(10);
      await expect(
        Worker.runReplayHistory({ workflowBundle: bundle }, history, file.replace(/\.json$/, '')),
      ).resolves.toBeUndefined();
    },
  );

  it('when a full cycle with 20 CEU completions renews, then its history stays small (well under the 50k-event limit)', () => {
    const history = JSON.parse(readFileSync(join(directory, 'renewal-20-ceus.json'), 'utf8')) as {
      events: { eventType: string }[];
    };
    const types = history.events.map((e) => e.eventType);
    expect(types.at(-1)).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    expect(types.filter((t) => t === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(21);
    expect(history.events.length).toBeLessThan(600);
  });
});
