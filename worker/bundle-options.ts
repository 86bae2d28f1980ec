import path from 'node:path';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../observability/workflow-interceptor-modules';

const root = path.join(__dirname, '..');

/**
 * Modules evaluated once per worker and shared by every workflow it runs, instead of once per
 * workflow. Temporal deep-freezes what they export, so only modules whose exported values are never
 * mutated qualify, and none may keep state of its own (test/static/preloaded-modules.test.ts checks
 * every project module they reach):
 * - the rules (pure functions and frozen constants; their time-zone caches are deterministic);
 * - the message schemas with zod: building them was most of a new workflow's CPU. zod writes
 *   `lastIndex` on its patterns while parsing, so every pattern in these schemas is a
 *   frozenSafePattern (rules/frozen-safe-pattern.ts; test/unit/frozen-messages.test.ts);
 * - the SDK's workflow API, the request-id interceptor and the versioned engine (workflows/cycle):
 *   they look up the running workflow at each call, never at load. Evaluating them again for each
 *   new workflow took about 4% of the workflow thread in a burst of enrolments (CPU profile).
 *   The static test reads only our modules: on an SDK upgrade, look for module state in
 *   @temporalio/workflow/lib too (1.24 has none outside what its worker interface already shares).
 * - the engine choice (workflows/credential.ts) and with it the first release's engine
 *   (workflows/v1), whose recording queue lives on the workflow's global object: evaluating them
 *   for each new workflow was another 2% of the workflow thread in a burst of enrolments.
 */
export const WORKFLOW_PRELOAD_MODULES = [
  path.join(root, 'rules/index.ts'),
  path.join(root, 'workflows/messages.ts'),
  require.resolve('@temporalio/workflow'),
  path.join(root, 'observability/workflow-interceptors.ts'),
  path.join(root, 'workflows/cycle/run.ts'),
  path.join(root, 'workflows/credential.ts'),
];

/** How the workflows are bundled, the same everywhere: at worker start, prebuilt, and in tests. */
export const WORKFLOW_BUNDLE_OPTIONS = {
  workflowsPath: path.join(root, 'workflows/index.ts'),
  workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
  preloadModules: WORKFLOW_PRELOAD_MODULES,
};
