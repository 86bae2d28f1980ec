import { Client } from '@temporalio/client';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { batchRecorder, createActivities, type ActivityDeps } from '../activities';
import { requestIdActivityInterceptor } from '../observability/activity-interceptor';
import {
  instrumentActivities,
  projectionObserver,
  type WorkerBusinessMetrics,
} from '../observability/instrument-activities';
import { WORKFLOW_BUNDLE_OPTIONS } from './bundle-options';
import { handBackBySignal, projectionSinks } from './projection-sink';

export interface WorkerDeps extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt bundle (tests, production); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Business counters the activities feed (worker/observability.ts); none in most tests. */
  metrics?: WorkerBusinessMetrics;
}

export function createWorker({
  connection,
  namespace,
  taskQueue,
  workflowBundle,
  metrics,
  ...deps
}: WorkerDeps) {
  const observed = {
    ...deps,
    ...(metrics && !deps.observer ? { observer: projectionObserver(metrics) } : {}),
  };
  const activities = createActivities(observed);
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    activities: metrics ? instrumentActivities(activities, metrics) : activities,
    // The same write as the recordEvents activity, made by the worker before it completes the task.
    sinks: projectionSinks({
      record: batchRecorder(observed),
      handBack: handBackBySignal(new Client({ connection, namespace })),
    }),
    // The API's request id, forwarded by the workflow interceptor, on activity log lines. A prebuilt
    // bundle has the workflow interceptors built in (scripts/build-workflow-bundle.ts).
    interceptors: {
      activity: [requestIdActivityInterceptor],
      ...(workflowBundle ? {} : { workflowModules: WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules }),
    },
    ...(workflowBundle
      ? { workflowBundle }
      : {
          workflowsPath: WORKFLOW_BUNDLE_OPTIONS.workflowsPath,
          bundlerOptions: { preloadModules: WORKFLOW_BUNDLE_OPTIONS.preloadModules },
        }),
  });
}
