// Runs inside the workflow sandbox (bundled with the workflows): @temporalio/workflow only, no I/O.
import {
  defaultPayloadConverter,
  type Headers,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { REQUEST_ID_KEY } from './request-id';

// On the workflow's own global object, which the SDK keeps per workflow (its reusable context swaps
// globals in and out), not in module state: this module is preloaded and shared by every workflow.
const LATEST = Symbol.for('recertify.latestRequestId');
type Holder = { [LATEST]?: Headers[string] };

/** The request id of the latest API call that reached this workflow (for the recording sink). */
export function latestRequestId(): string | undefined {
  const latest = (globalThis as Holder)[LATEST];
  return latest ? defaultPayloadConverter.fromPayload<string>(latest) : undefined;
}

/**
 * Remembers the request id of the latest API call that reached this workflow (start, signal or
 * accepted update; the headers are in history, so replay sees the same value) and forwards it to
 * the activities it schedules and to its log lines.
 */
export const interceptors: WorkflowInterceptorsFactory = () => {
  // Per workflow execution: the factory is called once for each.
  let latest: Headers[string] | undefined;
  const remember = (headers: Headers) => {
    latest = headers[REQUEST_ID_KEY] ?? latest;
    if (latest) (globalThis as Holder)[LATEST] = latest;
  };
  return {
    inbound: [
      {
        execute(input, next) {
          remember(input.headers);
          return next(input);
        },
        handleSignal(input, next) {
          remember(input.headers);
          return next(input);
        },
        handleUpdate(input, next) {
          remember(input.headers);
          return next(input);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity(input, next) {
          return next(latest ? { ...input, headers: { ...input.headers, [REQUEST_ID_KEY]: latest } } : input);
        },
        scheduleLocalActivity(input, next) {
          return next(latest ? { ...input, headers: { ...input.headers, [REQUEST_ID_KEY]: latest } } : input);
        },
        // Events not yet recorded travel with continue-as-new: so does the request that led to them.
        continueAsNew(input, next) {
          return next(latest ? { ...input, headers: { ...input.headers, [REQUEST_ID_KEY]: latest } } : input);
        },
        getLogAttributes(input, next) {
          const requestId = latest ? defaultPayloadConverter.fromPayload<string>(latest) : undefined;
          return next(requestId ? { ...input, [REQUEST_ID_KEY]: requestId } : input);
        },
      },
    ],
  };
};
