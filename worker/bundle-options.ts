import path from 'node:path';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../observability/workflow-interceptor-modules';

const root = path.join(__dirname, '..');

/**
 * Modules evaluated once per worker and shared by every workflow it runs, instead of once per
 * workflow. Temporal deep-freezes what they export, so only modules whose exported values are never
 * mutated qualify: the rules (pure functions and frozen constants; their time-zone formatter cache is
 * module-private, deterministic, and the costliest thing to build per workflow), and the message
 * schemas with zod: building them was most of a new workflow's CPU (each zod schema is costly to
 * construct). zod writes `lastIndex` on its patterns while parsing, so every pattern in these schemas
 * is a frozenSafePattern (rules/frozen-safe-pattern.ts); test/unit/frozen-messages.test.ts parses
 * every message with the schemas frozen this way.
 */
export const WORKFLOW_PRELOAD_MODULES = [
  path.join(root, 'rules/index.ts'),
  path.join(root, 'workflows/messages.ts'),
];

/** How the workflows are bundled, the same everywhere: at worker start, prebuilt, and in tests. */
export const WORKFLOW_BUNDLE_OPTIONS = {
  workflowsPath: path.join(root, 'workflows/index.ts'),
  workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
  preloadModules: WORKFLOW_PRELOAD_MODULES,
};
