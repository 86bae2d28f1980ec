// Runs inside the workflow sandbox (bundled with the workflows): @temporalio/workflow only, no I/O.
import {
  defaultPayloadConverter,
  type Headers,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { REQUEST_ID_KEY } from './request-id';

// Kept on the workflow's own global object, which the SDK keeps per workflow (its reusable context
// swaps globals in and out), not in module state: this module is preloaded and shared by every
// workflow. The run's recording sink reads it there too (workflows/cycle/projector.ts).
const LATEST = Symbol.for('recertify.latestRequestId');
type Holder = { [LATEST]?: Headers[string] };
const latestHeader = (): Headers[string] | undefined => (globalThis as Holder)[LATEST];

/** The request id of the latest API call that reached this workflow. */
export function latestRequestId(): string | undefined {
  const latest = latestHeader();
  return latest ? defaultPayloadConverter.fromPayload<string>(latest) : undefined;
}

/** `headers` with the latest request id, when there is one. */
function withRequestId(headers: Headers): Headers {
  const latest = latestHeader();
  return latest ? { ...headers, [REQUEST_ID_KEY]: latest } : headers;
}

/**
 * Remembers the request id of the latest API call that reached this workflow (start, signal or
 * accepted update; the headers are in history, so replay sees the same value) and forwards it to
 * the activities it schedules and to its log lines.
 */
export const interceptors: WorkflowInterceptorsFactory = () => {
  const remember = (headers: Headers) => {
    const header = headers[REQUEST_ID_KEY];
    if (header) (globalThis as Holder)[LATEST] = header;
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
          return next({ ...input, headers: withRequestId(input.headers) });
        },
        scheduleLocalActivity(input, next) {
          return next({ ...input, headers: withRequestId(input.headers) });
        },
        // Events not yet recorded travel with continue-as-new: so does the request that led to them.
        continueAsNew(input, next) {
          return next({ ...input, headers: withRequestId(input.headers) });
        },
        getLogAttributes(input, next) {
          const requestId = latestRequestId();
          return next(requestId ? { ...input, [REQUEST_ID_KEY]: requestId } : input);
        },
      },
    ],
  };
};
