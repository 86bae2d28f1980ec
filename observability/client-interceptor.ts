import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import { currentRequestId } from './request-context';
import { REQUEST_ID_KEY } from './request-id';

function withRequestId(headers: Headers, requestId: string): Headers {
  return { ...headers, [REQUEST_ID_KEY]: defaultPayloadConverter.toPayload(requestId) };
}

/**
 * Carries the current HTTP request id into Temporal: the memo of a started workflow (visible in
 * describe() and the Web UI) and a header on starts, signals and updates (read by the worker's
 * workflow interceptor). Outside a request it changes nothing.
 */
export function requestIdClientInterceptor(): WorkflowClientInterceptor {
  return {
    async startWithDetails(input, next) {
      const requestId = currentRequestId();
      if (!requestId) return next(input);
      return next({
        ...input,
        headers: withRequestId(input.headers, requestId),
        options: { ...input.options, memo: { ...input.options.memo, [REQUEST_ID_KEY]: requestId } },
      });
    },
    async signal(input, next) {
      const requestId = currentRequestId();
      return next(requestId ? { ...input, headers: withRequestId(input.headers, requestId) } : input);
    },
    async startUpdate(input, next) {
      const requestId = currentRequestId();
      return next(requestId ? { ...input, headers: withRequestId(input.headers, requestId) } : input);
    },
  };
}
