import path from 'node:path';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../observability/workflow-interceptor-modules';

const root = path.join(__dirname, '..');

/**
 * Modules evaluated once per worker and shared by every workflow it runs, instead of once per
 * workflow. Temporal deep-freezes what they export, so only modules whose exported values are never
 * mutated qualify: the rules (pure functions and frozen constants; their time-zone formatter cache is
 * module-private, deterministic, and the costliest thing to build per workflow). Not zod: its checks
 * reset `lastIndex` on shared regular expressions, which a frozen schema refuses.
 */
export const WORKFLOW_PRELOAD_MODULES = [path.join(root, 'rules/index.ts')];

/** How the workflows are bundled, the same everywhere: at worker start, prebuilt, and in tests. */
export const WORKFLOW_BUNDLE_OPTIONS = {
  workflowsPath: path.join(root, 'workflows/index.ts'),
  workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
  preloadModules: WORKFLOW_PRELOAD_MODULES,
};
