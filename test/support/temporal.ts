import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { executable, temporalCliPath, temporalTestServerPath } from '../../scripts/lib/temporal-tools';
import { registerSearchAttributes } from '../../scripts/lib/search-attributes';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../../observability/workflow-interceptor-modules';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/** The Java time-skipping test server, from .tools/venv (or the SDK's download where reachable). */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: executable(temporalTestServerPath()) },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** The real Temporal server (CLI dev server, in memory) with our search attributes registered. */
export function startDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: { executable: executable(temporalCliPath()), searchAttributes: ALL_SEARCH_ATTRIBUTES },
  });
}

/** Bundled once per test file (bundling takes seconds), with the same interceptors as production. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: quietLogger,
  });
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
