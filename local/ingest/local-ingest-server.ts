import { createServer, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { IngestHandler } from '../../processors/ingest/index.js';
import { MAX_BODY_BYTES } from '../../processors/ingest/index.js';
import { listenOnLoopback } from '../http/listen-on-loopback.js';
import { readLimitedBody } from '../http/read-limited-body.js';
import { parseRequestTarget } from '../http/request-target.js';
import { toApiGatewayEvent } from './api-gateway-event.js';

/** Options of {@link startLocalIngest}. */
export interface LocalIngestOptions {
  /** The same handler the Lambda runs. */
  readonly handler: IngestHandler;
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Largest body read; larger ones get 413 without being buffered. @default 5 MiB */
  readonly maxBodyBytes?: number;
}

/** A running local ingest API. */
export interface RunningLocalIngest {
  /** `http://127.0.0.1:<port>`; post to `<endpoint>/events`. */
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

const ROUTE_KEY = 'POST /events';

function writeJson(response: ServerResponse, statusCode: number, body: unknown, close = false): void {
  response.writeHead(statusCode, {
    'content-type': 'application/json',
    ...(close ? { connection: 'close' } : {}),
  });
  response.end(JSON.stringify(body));
}

function writeResult(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  const body =
    result.body === undefined
      ? undefined
      : result.isBase64Encoded === true
        ? Buffer.from(result.body, 'base64')
        : result.body;
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}

/**
 * Serves `POST /events` on 127.0.0.1 by turning each request into an API Gateway HTTP API (payload v2)
 * event for the same handler the Lambda runs. Enforces the body limit while reading.
 *
 * @example
 * const ingest = await startLocalIngest({ handler });
 * await fetch(`${ingest.endpoint}/events`, { method: 'POST', headers, body });
 * await ingest.close();
 */
export function startLocalIngest(options: LocalIngestOptions): Promise<RunningLocalIngest> {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const server = createServer((request, response) => {
    const target = parseRequestTarget(request.url);
    if (target === undefined) {
      request.resume();
      writeJson(response, 400, { message: 'the request target must be a path starting with "/"' }, true);
      return;
    }
    if (target.path !== '/events') {
      request.resume();
      writeJson(response, 404, { message: 'no route; only POST /events is served' });
      return;
    }
    if (request.method !== 'POST') {
      request.resume();
      response.setHeader('allow', 'POST');
      writeJson(response, 405, { message: 'only POST /events' });
      return;
    }
    readLimitedBody(request, limit)
      .then(async (body) => {
        if (body === undefined) {
          writeJson(
            response,
            413,
            { reason: 'body-too-large', message: `body is over ${limit} bytes` },
            true,
          );
          // Over the limit (declared or read so far): keep draining, not buffering, so the client can read the
          // answer; close once it is sent.
          request.resume();
          return;
        }
        writeResult(response, await options.handler(toApiGatewayEvent(request, body, ROUTE_KEY, target)));
      })
      .catch((error: unknown) => {
        if (!response.headersSent) writeJson(response, 500, { message: 'internal error' });
        else response.destroy(error as Error);
      });
  });
  return listenOnLoopback('ingest', server, options.port ?? 0);
}
