import type { Context } from '@temporalio/activity';
import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { isWellFormedRequestId, REQUEST_ID_KEY } from './request-id';

/**
 * Adds the request id the workflow forwarded (see workflow-interceptors.ts) to the activity's log
 * attributes, so `Context.current().log` lines name the API request that led to them.
 */
export function requestIdActivityInterceptor(_ctx: Context): ActivityInterceptors {
  let requestId: string | undefined;
  return {
    inbound: {
      execute(input, next) {
        const header = input.headers[REQUEST_ID_KEY];
        const value = header ? defaultPayloadConverter.fromPayload<unknown>(header) : undefined;
        if (isWellFormedRequestId(value)) requestId = value;
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next(requestId ? { ...input, [REQUEST_ID_KEY]: requestId } : input);
      },
    },
  };
}
