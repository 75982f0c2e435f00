import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { EventBusPort } from '../../processors/bus-bridge/event-bus-port.js';
import { listenOnLoopback } from '../http/listen-on-loopback.js';
import { readLimitedBody } from '../http/read-limited-body.js';
import { parseRequestTarget } from '../http/request-target.js';
import { PutEventsValidationError } from './errors.js';
import { isPlainObject } from './pattern-operators.js';
import type { PutEventsRequestEntry } from './put-events.js';

/** Options of {@link startEventBridgeEndpoint}. */
export interface EventBridgeEndpointOptions {
  /** The bus every `PutEvents` call goes to. */
  readonly bus: EventBusPort;
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
  /**
   * Largest request body read; larger ones get 413 without being buffered. EventBridge caps the entries as it
   * counts them at 256 KiB, but a counted byte can travel as a 6-byte `\u00XX` escape and some fields
   * (`EventBusName`, `TraceHeader`, the field names) are not counted at all, so the default leaves room for
   * every call AWS would read. @default 2 MiB
   */
  readonly maxBodyBytes?: number;
}

/** A running EventBridge endpoint. */
export interface RunningEventBridgeEndpoint {
  /** `http://127.0.0.1:<port>`: the `endpoint` of an `EventBridgeClient`. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops accepting requests and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

/** The `x-amz-target` the SDK sends for `PutEvents` (AWS JSON 1.1: `<service prefix>.<operation>`). */
export const PUT_EVENTS_TARGET = 'AWSEvents.PutEvents';

// 6 × 256 KiB (every counted byte escaped) plus room for the uncounted fields of 10 entries.
const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024;
const JSON_1_1 = 'application/x-amz-json-1.1';

/** A decoded request body: the entries for the bus, or the AWS error the whole request gets. */
export type DecodedPutEventsRequest =
  | { readonly ok: true; readonly entries: PutEventsRequestEntry[] }
  | {
      readonly ok: false;
      readonly type: 'SerializationException' | 'ValidationException';
      readonly message: string;
    };

const STRING_FIELDS = ['Source', 'DetailType', 'Detail', 'EventBusName'] as const;

/** Decodes a `PutEvents` JSON 1.1 body into bus entries (pure); field types are checked as AWS's deserializer does. */
export function decodePutEventsRequest(body: string): DecodedPutEventsRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, type: 'SerializationException', message: 'The request body is not valid JSON.' };
  }
  if (!isPlainObject(parsed)) {
    return { ok: false, type: 'SerializationException', message: 'The request body must be a JSON object.' };
  }
  const rawEntries = parsed.Entries;
  if (rawEntries === undefined) {
    return { ok: false, type: 'ValidationException', message: 'Entries is a required parameter.' };
  }
  if (!Array.isArray(rawEntries)) {
    return { ok: false, type: 'SerializationException', message: 'Entries must be a list.' };
  }
  const entries: PutEventsRequestEntry[] = [];
  for (const [index, raw] of rawEntries.entries()) {
    const entry = decodeEntry(raw);
    if (typeof entry === 'string') {
      return { ok: false, type: 'SerializationException', message: `Entries[${index}]: ${entry}` };
    }
    entries.push(entry);
  }
  return { ok: true, entries };
}

/** One entry, or why its JSON does not fit the `PutEventsRequestEntry` shape. */
function decodeEntry(raw: unknown): PutEventsRequestEntry | string {
  if (!isPlainObject(raw)) return 'an entry must be a JSON object';
  const entry: { -readonly [K in keyof PutEventsRequestEntry]: PutEventsRequestEntry[K] } = {};
  for (const field of STRING_FIELDS) {
    const value = raw[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return `${field} must be a string`;
    entry[field] = value;
  }
  const time = raw.Time;
  // JSON 1.1 sends timestamps as epoch seconds, fractional for milliseconds (1795428000.75).
  if (typeof time === 'number') entry.Time = new Date(time * 1000);
  // An ISO string is not what the SDK sends, but the bus understands it, so hand-written callers may use it.
  else if (typeof time === 'string') entry.Time = time;
  else if (time !== undefined && time !== null) return 'Time must be a timestamp (epoch seconds)';
  const resources = raw.Resources;
  if (resources !== undefined && resources !== null) {
    if (!Array.isArray(resources) || !resources.every((resource) => typeof resource === 'string')) {
      return 'Resources must be a list of strings';
    }
    entry.Resources = resources;
  }
  // TraceHeader and any other field AWS knows but the local bus does not use are dropped here.
  return entry;
}

/** Answers as AWS JSON 1.1 does: the SDK takes the exception class from `x-amzn-errortype` (and retries 5xx). */
function writeError(
  response: ServerResponse,
  status: number,
  type: string,
  message: string,
  extraHeaders: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': JSON_1_1,
    'x-amzn-errortype': type,
    'x-amzn-requestid': randomUUID(),
    ...extraHeaders,
  });
  response.end(JSON.stringify({ __type: type, message }));
}

/** 413 and close: the rest of the body is drained, never buffered, and the socket is not reused. */
function writeTooLarge(request: IncomingMessage, response: ServerResponse, limit: number): void {
  writeError(response, 413, 'ValidationException', `The request body is over ${limit} bytes.`, {
    connection: 'close',
  });
  request.resume();
}

async function handlePutEvents(
  request: IncomingMessage,
  response: ServerResponse,
  bus: EventBusPort,
  limit: number,
): Promise<void> {
  const body = await readLimitedBody(request, limit);
  if (body === undefined) {
    writeTooLarge(request, response, limit);
    return;
  }
  const decoded = decodePutEventsRequest(body.toString('utf8'));
  if (!decoded.ok) {
    writeError(response, 400, decoded.type, decoded.message);
    return;
  }
  try {
    const result = await bus.putEvents(decoded.entries);
    response.writeHead(200, { 'content-type': JSON_1_1, 'x-amzn-requestid': randomUUID() });
    response.end(JSON.stringify(result));
  } catch (error) {
    if (error instanceof PutEventsValidationError) {
      writeError(response, 400, 'ValidationException', error.message);
    } else {
      writeError(response, 500, 'InternalException', error instanceof Error ? error.message : String(error));
    }
  }
}

/** Serves EventBridge `PutEvents` (AWS JSON 1.1) on 127.0.0.1 for `bus`, unsigned, so `EventBridgeClient` can publish locally. */
export function startEventBridgeEndpoint(
  options: EventBridgeEndpointOptions,
): Promise<RunningEventBridgeEndpoint> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const server = createServer((request, response) => {
    const target = parseRequestTarget(request.url);
    if (target === undefined) {
      request.resume();
      writeError(
        response,
        400,
        'SerializationException',
        'The request target must be a path starting with "/".',
        {
          connection: 'close',
        },
      );
      return;
    }
    if (target.path !== '/') {
      request.resume();
      // The caller's path is not echoed back: it is whatever bytes they sent.
      writeError(response, 404, 'UnknownOperationException', 'No route; only POST / is served.');
      return;
    }
    if (request.method !== 'POST') {
      request.resume();
      writeError(response, 405, 'UnknownOperationException', 'Only POST / is served.', { allow: 'POST' });
      return;
    }
    // Header values are whatever the caller sent; only this one is looked at, and only compared.
    const operation = request.headers['x-amz-target'];
    if (operation !== PUT_EVENTS_TARGET) {
      request.resume();
      writeError(
        response,
        400,
        'UnknownOperationException',
        `Operation ${operation ?? '(no x-amz-target)'} is not served by the local bus; only ${PUT_EVENTS_TARGET} is.`,
      );
      return;
    }
    handlePutEvents(request, response, options.bus, limit).catch((error: unknown) => {
      // Only the request stream can fail here (client aborted); answer if the socket still allows it.
      if (!response.headersSent) writeError(response, 500, 'InternalException', String(error));
      else response.destroy(error instanceof Error ? error : undefined);
    });
  });
  return listenOnLoopback('eventbridge', server, options.port ?? 0);
}
