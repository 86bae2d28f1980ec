import type {
  CredentialAnswer,
  FeeQuoteAnswer,
  HistoryAnswer as HistoryAnswerOut,
} from '../../api/schemas/responses';

// A small HTTP client for the API tests: JSON in, status + parsed JSON out.

/** The body of every error answer (api/schemas/errors.ts). */
export interface ErrorBody {
  error: { code: string; message: string; details: { field?: string; code?: string; message: string }[] };
}

export interface HttpAnswer<T> {
  status: number;
  headers: Headers;
  /** T on success, ErrorBody on failure: typed as both so a test reads either without casts. */
  body: T & ErrorBody;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as-is instead of JSON.stringify(body). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export function httpClient(baseUrl: string) {
  return async function call<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    options: CallOptions = {},
  ): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T & ErrorBody };
  };
}

export type HttpClient = ReturnType<typeof httpClient>;

/** Polls `read` until it returns a truthy value (the workflow and its projection are asynchronous). */
export async function eventually<T>(
  read: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

// Success bodies of the API (the output side of api/schemas/responses.ts), for typed reads in tests.
export type CredentialRead = CredentialAnswer;
export type QuoteAnswer = Omit<FeeQuoteAnswer, 'quote'> & {
  quote: Extract<FeeQuoteAnswer['quote'], { accepted: true }>;
};
export type HistoryAnswer = HistoryAnswerOut;
