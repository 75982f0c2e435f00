/**
 * The local stack's OTLP/HTTP receiver (docs/local-stack.md "Traces"): other processes (the replay CLI, your own
 * consumers) send spans to `POST /v1/traces` in OTLP JSON, and they land in the same span store as the stack's own,
 * written by the stack's one exporter (two processes never write the same files).
 * Answers per https://opentelemetry.io/docs/specs/otlp/#otlphttp-response.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { listenOnLoopback } from '../http/listen-on-loopback.js';
import { readLimitedBody } from '../http/read-limited-body.js';
import { parseRequestTarget } from '../http/request-target.js';
import { SpanStoreClosedError } from './errors.js';
import { checkOtlpTraceRequest, type OtlpTraceRequest } from './otlp-trace-request.js';

/** Where received requests go: {@link OtlpJsonFileExporter.appendRequest}. */
export interface OtlpRequestStore {
  appendRequest(request: OtlpTraceRequest): Promise<void>;
}

/** Options of {@link startOtlpHttpReceiver}. */
export interface OtlpHttpReceiverOptions {
  readonly store: OtlpRequestStore;
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Largest body read; larger ones get 413 without being buffered. @default 4 MiB */
  readonly maxBodyBytes?: number;
}

/** A running receiver. */
export interface RunningOtlpHttpReceiver {
  /** `http://127.0.0.1:<port>`: the base URL; spans go to `<endpoint>/v1/traces`. */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The path of trace exports (https://opentelemetry.io/docs/specs/otlp/#otlphttp-request). */
export const OTLP_TRACES_PATH = '/v1/traces';

const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const gunzipBounded = promisify(gunzip);

/** The body's encoding when it is one this receiver reads (OTLP/HTTP clients may gzip), else undefined. */
function bodyEncoding(header: string | undefined): 'identity' | 'gzip' | undefined {
  const value = (header ?? 'identity').trim().toLowerCase();
  return value === 'identity' || value === 'gzip' ? value : undefined;
}

/** The request body, gunzipped when sent so; undefined when it (or what it inflates to) is over `limit`. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const body = await readLimitedBody(request, limit);
  if (body === undefined || bodyEncoding(request.headers['content-encoding']) === 'identity') return body;
  try {
    // Bounded: a small body must not inflate into gigabytes.
    return await gunzipBounded(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError)
      return undefined;
    throw new MalformedGzipError();
  }
}

class MalformedGzipError extends Error {
  override readonly name = 'MalformedGzipError';
}

// google.rpc.Code values of the `Status` body every 4xx/5xx carries (https://opentelemetry.io/docs/specs/otlp/#failures-1).
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const RESOURCE_EXHAUSTED = 8;
const UNIMPLEMENTED = 12;
const INTERNAL = 13;
const UNAVAILABLE = 14;

function reply(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** An error answer: the rest of the body is drained, never buffered. */
function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  request.resume();
  reply(response, status, { code, message }, headers);
}

/** `application/json`, parameters (charset) allowed. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

async function receive(
  request: IncomingMessage,
  response: ServerResponse,
  store: OtlpRequestStore,
  limit: number,
): Promise<void> {
  let body: Buffer | undefined;
  try {
    body = await readBody(request, limit);
  } catch (error) {
    if (!(error instanceof MalformedGzipError)) throw error;
    reply(response, 400, {
      code: INVALID_ARGUMENT,
      message: 'Content-Encoding is gzip but the body is not gzip',
    });
    return;
  }
  if (body === undefined) {
    refuse(request, response, 413, RESOURCE_EXHAUSTED, `the body is over ${limit} bytes`, {
      connection: 'close',
    });
    return;
  }
  const checked = checkOtlpTraceRequest(body.toString('utf8'));
  if (!checked.ok) {
    reply(response, 400, {
      code: INVALID_ARGUMENT,
      message: `not an OTLP JSON ExportTraceServiceRequest: ${checked.message}`,
    });
    return;
  }
  try {
    await store.appendRequest(checked.request);
  } catch (error) {
    // 503 is retryable (the stack is stopping); a write error is not.
    if (error instanceof SpanStoreClosedError)
      reply(response, 503, { code: UNAVAILABLE, message: error.message });
    else reply(response, 500, { code: INTERNAL, message: (error as Error)?.message ?? String(error) });
    return;
  }
  reply(
    response,
    200,
    checked.rejectedSpans === 0
      ? {}
      : { partialSuccess: { rejectedSpans: checked.rejectedSpans, errorMessage: checked.rejection } },
  );
}

/**
 * Serves `POST /v1/traces` (OTLP/HTTP, JSON only) on 127.0.0.1, appending each request to `store` as one line.
 * @example const receiver = await startOtlpHttpReceiver({ store: exporter }); // receiver.endpoint
 */
export function startOtlpHttpReceiver(options: OtlpHttpReceiverOptions): Promise<RunningOtlpHttpReceiver> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const server = createServer((request, response) => {
    const target = parseRequestTarget(request.url);
    if (target === undefined) {
      refuse(
        request,
        response,
        400,
        INVALID_ARGUMENT,
        'the request target must be a path starting with "/"',
        {
          connection: 'close',
        },
      );
      return;
    }
    if (target.path !== OTLP_TRACES_PATH) {
      // The caller's path is not echoed back: it is whatever bytes they sent.
      refuse(
        request,
        response,
        404,
        NOT_FOUND,
        `only POST ${OTLP_TRACES_PATH} is served (traces, OTLP JSON)`,
      );
      return;
    }
    if (request.method !== 'POST') {
      refuse(request, response, 405, UNIMPLEMENTED, `only POST ${OTLP_TRACES_PATH} is served`, {
        allow: 'POST',
      });
      return;
    }
    if (!isJson(request.headers['content-type'])) {
      refuse(
        request,
        response,
        415,
        UNIMPLEMENTED,
        'only Content-Type: application/json (OTLP JSON) is accepted here, not protobuf',
      );
      return;
    }
    if (bodyEncoding(request.headers['content-encoding']) === undefined) {
      refuse(request, response, 415, UNIMPLEMENTED, 'only gzip or no Content-Encoding is accepted');
      return;
    }
    receive(request, response, options.store, limit).catch((error: unknown) => {
      // Only the request stream can fail here (client aborted); answer if the socket still allows it.
      reply(response, 500, { code: INTERNAL, message: String(error) });
    });
  });
  return listenOnLoopback('otlp', server, options.port ?? 0);
}
