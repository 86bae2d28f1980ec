import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// A real HTTP receiver for webhook tests: records every request (raw body, headers) and answers
// with scripted statuses, then 200 once the script runs out.

export interface ReceivedRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body, as a receiver must verify it. */
  readonly body: string;
  readonly status: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Statuses for the next requests, in order. */
  answer(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver({ delayMs = 0 } = {}): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const script: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = script.shift() ?? 200;
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status)), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/reminders`,
    requests,
    answer: (...statuses) => {
      script.push(...statuses);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
