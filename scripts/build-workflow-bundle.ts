import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_OPTIONS } from '../worker/bundle-options';
import { projectRoot } from './lib/paths';

// Production workers load a prebuilt bundle (WORKFLOW_BUNDLE_PATH) instead of bundling at start,
// so every replica runs byte-identical workflow code.
async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode(WORKFLOW_BUNDLE_OPTIONS);
  const out = path.join(projectRoot, 'dist', 'workflow-bundle.js');
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, code);
  console.log(`wrote ${path.relative(projectRoot, out)} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
