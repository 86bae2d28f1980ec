import http2, { type ClientHttp2Session, type Http2Session, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';

// A stand-in for a secured Temporal frontend (Temporal Cloud, a cluster with mTLS): TLS that
// requires a client certificate signed by `ca`, and `Authorization: Bearer <apiKey>` on every call,
// in front of a plaintext server (the CLI dev server, which cannot serve TLS itself). gRPC is
// HTTP/2, so each call is forwarded as an HTTP/2 stream, with its trailers (grpc-status).

export interface GrpcTlsProxy {
  /** 127.0.0.1:<port> */
  address: string;
  /** gRPC methods forwarded (authorized), e.g. `/temporal.api.workflowservice.v1.WorkflowService/PollWorkflowTaskQueue`. */
  forwarded: string[];
  /** gRPC methods refused for a missing or wrong API key. */
  refused: string[];
  /** TLS handshakes refused (no client certificate, not TLS at all), with the reason. */
  handshakeFailures: string[];
  close(): Promise<void>;
}

export interface GrpcTlsProxyOptions {
  upstream: string;
  cert: string;
  key: string;
  /** Client certificates must be signed by this CA. */
  ca: string;
  apiKey: string;
}

const { NGHTTP2_FLAG_END_STREAM, NGHTTP2_CANCEL } = http2.constants;

/** String-keyed headers only (Node adds a symbol listing sensitive headers). */
function plain(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined),
  );
}

export async function startGrpcTlsProxy(options: GrpcTlsProxyOptions): Promise<GrpcTlsProxy> {
  const upstream: ClientHttp2Session = http2.connect(`http://${options.upstream}`);
  upstream.on('error', () => undefined); // each stream reports its own failure
  const sessions = new Set<Http2Session>();
  const forwarded: string[] = [];
  const refused: string[] = [];
  const handshakeFailures: string[] = [];
  const server = http2.createSecureServer({
    cert: options.cert,
    key: options.key,
    ca: options.ca,
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.on('tlsClientError', (err: Error) => handshakeFailures.push(err.message));
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    const method = String(headers[':path']);
    if (headers.authorization !== `Bearer ${options.apiKey}`) {
      refused.push(method);
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '16', // UNAUTHENTICATED
          'grpc-message': 'missing or wrong API key',
        },
        { endStream: true },
      );
      return;
    }
    forwarded.push(method);
    const { ':authority': _authority, ':scheme': _scheme, ...rest } = plain(headers);
    const call = upstream.request({ ...rest, ':authority': options.upstream, ':scheme': 'http' });
    let trailers: Record<string, string | string[]> = {};
    call.on('trailers', (t: IncomingHttpHeaders) => {
      trailers = plain(t);
    });
    call.on('response', (responseHeaders, flags) => {
      if (flags & NGHTTP2_FLAG_END_STREAM) {
        // Trailers-only answer (an immediate gRPC error): headers carry grpc-status.
        stream.respond(plain(responseHeaders), { endStream: true });
        return;
      }
      stream.respond(plain(responseHeaders), { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers(trailers));
      call.pipe(stream);
    });
    call.on('error', () => stream.close(NGHTTP2_CANCEL));
    stream.on('close', () => {
      if (!call.closed) call.close(NGHTTP2_CANCEL);
    });
    stream.pipe(call);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    forwarded,
    refused,
    handshakeFailures,
    close: async () => {
      for (const session of sessions) session.destroy();
      upstream.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
