import path from 'node:path';

/** Bundled with the workflows (at worker start, or by scripts/build-workflow-bundle.ts). */
export const WORKFLOW_INTERCEPTOR_MODULES = [path.join(__dirname, 'workflow-interceptors')];
