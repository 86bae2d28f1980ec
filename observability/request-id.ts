// Pure, so the workflow sandbox (workflow-interceptors.ts) can import it too.

/** The HTTP header, the Temporal header and the memo field that carry a request id. */
export const REQUEST_ID_HTTP_HEADER = 'X-Request-Id';
export const REQUEST_ID_KEY = 'requestId';

// Printable token characters only and a bounded length, so a caller cannot inject into log lines.
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

export function isWellFormedRequestId(value: unknown): value is string {
  return typeof value === 'string' && WELL_FORMED.test(value);
}
