import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AggregateRegistry } from '../aggregates/index.js';
import {
  type Envelope,
  EnvelopeError,
  encodeEnvelope,
  envelopeNestingIssue,
  MAX_ENVELOPE_BYTES,
  maxEnvelopeBytes,
  parseEnvelope,
} from '../envelope/index.js';
import { type OrderedProducer, ProducerFailureReason } from '../producer/index.js';
import { TRACING_OFF, type Tracing } from '../tracing/index.js';
import { parseBearerToken, tokensMatch } from './bearer-auth.js';
import { IngestError } from './errors.js';
import { INGEST_ROUTE, IngestRequestTrace } from './ingest-request-trace.js';
import {
  bodyBytes,
  isJsonContentType,
  MAX_BODY_BYTES,
  MAX_ENVELOPES_PER_REQUEST,
  parseJsonBody,
} from './request-body.js';

/** Why a request was refused; the `reason` dimension of the `Rejected` metric. */
export const RejectReason = {
  Unauthorized: 'unauthorized',
  UnsupportedMediaType: 'unsupported-media-type',
  BodyTooLarge: 'body-too-large',
  EnvelopeTooLarge: 'envelope-too-large',
  MalformedJson: 'malformed-json',
  TooManyEnvelopes: 'too-many-envelopes',
  Validation: 'validation',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/** One broken rule of one envelope in a 400/413 body. */
export interface ItemError {
  /** Position in the request (0 for a single envelope). */
  readonly index: number;
  /** Dotted field path, e.g. `data.currency`; empty for the whole envelope. */
  readonly path: string;
  readonly message: string;
}

/** Every item's problem found by `check`, with its index in the request. */
function itemErrors(
  items: readonly unknown[],
  check: (item: unknown) => { readonly path: string; readonly message: string } | undefined,
): ItemError[] {
  const errors: ItemError[] = [];
  for (const [index, item] of items.entries()) {
    const issue = check(item);
    if (issue !== undefined) errors.push({ index, ...issue });
  }
  return errors;
}

/** Options of {@link createIngestHandler}. */
export interface IngestHandlerOptions {
  /** Writes the envelopes; partition key = `aggregateId`. */
  readonly producer: Pick<OrderedProducer, 'put'>;
  /** The expected bearer token (cache it: it is called on every request). */
  readonly tokenProvider: () => Promise<string>;
  /** Validates each envelope's `data` against its registered schema. */
  readonly registry: Pick<AggregateRegistry, 'validate'>;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** @default 5 MiB */
  readonly maxBodyBytes?: number;
  /** @default 500 */
  readonly maxEnvelopes?: number;
  /** `Retry-After` seconds on a 503. @default 1 */
  readonly retryAfterSeconds?: number;
  /** Correlation id for requests whose first envelope has none. @default crypto.randomUUID */
  readonly generateCorrelationId?: () => string;
  /** Records the request's spans and stamps envelopes without `traceparent` (docs/tracing.md). @default TRACING_OFF */
  readonly tracing?: Tracing;
  /** The stream `producer` writes to, named in span names; required when `tracing` is on. */
  readonly streamName?: string;
}

/** An API Gateway HTTP API (payload v2) handler. */
export type IngestHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const headers = event.headers ?? {};
  const direct = headers[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** The envelope size limit of a not yet validated item: exact when its `aggregateType` and `type` are strings. */
function envelopeLimitOf(item: unknown): number {
  if (typeof item !== 'object' || item === null) return MAX_ENVELOPE_BYTES;
  const { aggregateType, type } = item as { aggregateType?: unknown; type?: unknown };
  return typeof aggregateType === 'string' && typeof type === 'string'
    ? maxEnvelopeBytes(aggregateType, type)
    : MAX_ENVELOPE_BYTES;
}

/**
 * The status of a request some of whose envelopes the producer failed: 400 when any failed for its own input
 * (`invalid-entry`: retrying the same request can never succeed), else 500 when Kinesis refused for good
 * (`rejected`: stream missing, access or KMS key denied), else 503 with `Retry-After` (deadline passed, or an
 * earlier envelope of the same aggregate failed so this one was held back: both may succeed on retry).
 */
export function failureStatus(reasons: readonly ProducerFailureReason[]): 400 | 500 | 503 {
  if (reasons.includes(ProducerFailureReason.InvalidEntry)) return 400;
  if (reasons.includes(ProducerFailureReason.Rejected)) return 500;
  return 503;
}

function correlationIdOf(value: unknown): string | undefined {
  const first = Array.isArray(value) ? (value[0] as unknown) : value;
  if (typeof first !== 'object' || first === null) return undefined;
  const id = (first as { correlationId?: unknown }).correlationId;
  return typeof id === 'string' && id.length > 0 && id.length <= 256 ? id : undefined;
}

/**
 * Creates the `POST /events` handler: bearer auth, then content type (415), size (413), JSON (400), every
 * envelope and its data validated (400 listing `{ index, path, message }`, nothing written), then one
 * ordered write of all envelopes (202 with `eventId`, `shardId`, `sequenceNumber` each; 503 with
 * `Retry-After` listing written and unwritten envelopes when Kinesis keeps failing — retrying the whole
 * request is safe because the processor dedupes by `eventId`).
 *
 * Auth is a shared bearer token compared in constant time. IAM auth is a possible alternative: put an
 * `AWS_IAM` authorizer on the route so callers sign with SigV4, and drop `tokenProvider` checks.
 *
 * @example
 * const handler = createIngestHandler({ producer, tokenProvider: async () => token,
 *   registry: new AggregateRegistry([orderAggregate]), logger: new Logger(), metrics: new Metrics() });
 */
export function createIngestHandler(options: IngestHandlerOptions): IngestHandler {
  const { producer, tokenProvider, registry, logger, metrics } = options;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const maxEnvelopes = options.maxEnvelopes ?? MAX_ENVELOPES_PER_REQUEST;
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  const generateCorrelationId = options.generateCorrelationId ?? randomUUID;
  const tracing = options.tracing ?? TRACING_OFF;
  if (tracing.enabled && options.streamName === undefined) {
    throw new IngestError('createIngestHandler: streamName is required when tracing is on');
  }
  const streamName = options.streamName ?? '';

  function reject(
    reason: RejectReason,
    statusCode: number,
    body: Record<string, unknown>,
    context: Record<string, unknown>,
  ): APIGatewayProxyStructuredResultV2 {
    const single = metrics.singleMetric();
    single.addDimension('reason', reason);
    single.addMetric('Rejected', MetricUnit.Count, 1);
    logger.info('request rejected', { ...context, reason, statusCode });
    return json(statusCode, { reason, ...body });
  }

  /**
   * The bytes to write per envelope: with tracing on, an envelope without `traceparent` is stamped with its create
   * span's context, unless that takes it over the size limit (then it goes as sent: nothing is refused for a trace).
   */
  function recordsToWrite(
    envelopes: readonly Envelope[],
    encoded: readonly Buffer[],
    requestTrace: IngestRequestTrace | undefined,
  ): readonly Buffer[] {
    if (requestTrace === undefined) return encoded;
    const stamped = requestTrace.createRecords(envelopes);
    return stamped.map((envelope, index) => {
      if (envelope === envelopes[index]) return encoded[index] as Buffer;
      try {
        return encodeEnvelope(envelope);
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error;
        return encoded[index] as Buffer;
      }
    });
  }

  async function handle(
    event: APIGatewayProxyEventV2,
    context: Record<string, unknown>,
    requestTrace: IngestRequestTrace | undefined,
  ): Promise<APIGatewayProxyStructuredResultV2> {
    const presented = parseBearerToken(header(event, 'authorization'));
    let expected: string;
    try {
      expected = await tokenProvider();
    } catch (error) {
      logger.error('bearer token unavailable', { ...context, error: error as Error });
      return json(503, { message: 'authentication is unavailable; retry later' }, { 'retry-after': '5' });
    }
    if (presented === undefined || !tokensMatch(presented, expected)) {
      return reject(
        RejectReason.Unauthorized,
        401,
        { message: 'a valid "Authorization: Bearer <token>" header is required' },
        context,
      );
    }
    if (!isJsonContentType(header(event, 'content-type'))) {
      return reject(
        RejectReason.UnsupportedMediaType,
        415,
        { message: 'Content-Type must be application/json (UTF-8)' },
        context,
      );
    }
    const bytes = bodyBytes(event.body, event.isBase64Encoded === true);
    if (bytes.byteLength > maxBodyBytes) {
      return reject(
        RejectReason.BodyTooLarge,
        413,
        { message: `body is ${bytes.byteLength} bytes; the limit is ${maxBodyBytes}` },
        context,
      );
    }
    const parsed = parseJsonBody(bytes);
    if (!parsed.ok) return reject(RejectReason.MalformedJson, 400, { message: parsed.message }, context);
    const correlationId = correlationIdOf(parsed.value) ?? generateCorrelationId();
    const requestContext = { ...context, correlationId };
    const items: unknown[] = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
    if (items.length === 0 || items.length > maxEnvelopes) {
      return reject(
        RejectReason.TooManyEnvelopes,
        400,
        { message: `send one envelope or an array of 1 to ${maxEnvelopes}; got ${items.length}` },
        requestContext,
      );
    }

    // Before any size is measured: JSON.stringify of a value thousands of levels deep throws RangeError.
    const tooDeep = itemErrors(items, envelopeNestingIssue);
    if (tooDeep.length > 0) {
      return reject(
        RejectReason.Validation,
        400,
        { message: 'validation failed; nothing was written', errors: tooDeep },
        requestContext,
      );
    }

    const oversize = itemErrors(items, (item) => {
      const size = Buffer.byteLength(JSON.stringify(item) ?? '', 'utf8');
      const limit = envelopeLimitOf(item);
      return size <= limit
        ? undefined
        : {
            path: '',
            message: `envelope is ${size} bytes; the limit is ${limit} (it must fit one PutEvents entry on the bus)`,
          };
    });
    if (oversize.length > 0) {
      return reject(
        RejectReason.EnvelopeTooLarge,
        413,
        { message: 'envelope(s) over the size limit', errors: oversize },
        requestContext,
      );
    }

    const errors: ItemError[] = [];
    const envelopes: Envelope[] = [];
    const encoded: Buffer[] = [];
    for (const [index, item] of items.entries()) {
      try {
        const envelope = registry.validate(parseEnvelope(item));
        encoded.push(encodeEnvelope(envelope));
        envelopes.push(envelope);
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error;
        for (const issue of error.issues) errors.push({ index, path: issue.path, message: issue.message });
      }
    }
    if (errors.length > 0) {
      return reject(
        RejectReason.Validation,
        400,
        { message: 'validation failed; nothing was written', errors },
        requestContext,
      );
    }

    const records = recordsToWrite(envelopes, encoded, requestTrace);
    const results = await producer.put(
      envelopes.map((envelope, index) => ({
        partitionKey: envelope.aggregateId,
        data: records[index] as Buffer,
      })),
      requestTrace === undefined ? undefined : { observer: requestTrace.observer },
    );
    requestTrace?.settle(results);
    const written: { index: number; eventId: string; shardId: string; sequenceNumber: string }[] = [];
    const failed: { index: number; eventId: string; reason: ProducerFailureReason; message: string }[] = [];
    for (const [index, result] of results.entries()) {
      const eventId = (envelopes[index] as Envelope).eventId;
      if (result.status === 'written') {
        written.push({ index, eventId, shardId: result.shardId, sequenceNumber: result.sequenceNumber });
      } else {
        failed.push({ index, eventId, reason: result.reason, message: result.message });
      }
    }
    if (written.length > 0) metrics.addMetric('Accepted', MetricUnit.Count, written.length);
    if (failed.length === 0) {
      logger.info('events accepted', { ...requestContext, count: written.length });
      return json(202, { results: written });
    }
    const statusCode = failureStatus(failed.map((failure) => failure.reason));
    metrics.addMetric(statusCode === 503 ? 'Throttled' : 'WriteRefused', MetricUnit.Count, failed.length);
    logger.warn('events not written', {
      ...requestContext,
      statusCode,
      written: written.length,
      failed: failed.length,
      firstFailure: failed[0]?.message,
    });
    if (statusCode !== 503) {
      return json(statusCode, {
        reason: statusCode === 400 ? RejectReason.Validation : 'write-refused',
        message: `${failed.length} of ${results.length} envelope(s) were not written and retrying will not write them${statusCode === 400 ? ': Kinesis refused them as input' : ''}`,
        written,
        failed,
      });
    }
    return json(
      503,
      {
        message: `${failed.length} of ${results.length} envelope(s) were not written; retrying the whole request is safe`,
        written,
        failed,
      },
      { 'retry-after': String(retryAfterSeconds) },
    );
  }

  return async (event) => {
    const started = performance.now();
    const requestTrace = tracing.enabled
      ? new IngestRequestTrace(tracing.tracer, streamName, {
          method: event.requestContext?.http?.method ?? 'POST',
          path: event.rawPath ?? INGEST_ROUTE,
          headers: { traceparent: header(event, 'traceparent'), tracestate: header(event, 'tracestate') },
        })
      : undefined;
    const context =
      requestTrace === undefined
        ? { requestId: event.requestContext?.requestId }
        : { requestId: event.requestContext?.requestId, traceId: requestTrace.traceId };
    let statusCode = 500;
    try {
      const result = await handle(event, context, requestTrace);
      statusCode = result.statusCode ?? 200;
      return result;
    } catch (error) {
      logger.error('ingest failed', { ...context, error: error as Error });
      return json(500, { message: 'internal error' });
    } finally {
      requestTrace?.end(statusCode);
      metrics.addMetric('LatencyMs', MetricUnit.Milliseconds, performance.now() - started);
      metrics.publishStoredMetrics();
    }
  };
}
