import {
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { type Envelope, TRACESTATE_PATTERN } from '../envelope/index.js';
import type { ProducerResult, PutObserver, PutRecordsEntryOutcome } from '../producer/index.js';
import { envelopeAttributes } from '../tracing/envelope-attributes.js';
import {
  contextFromTraceFields,
  MessagingAttribute,
  MessagingOperationType,
  MessagingSystem,
  PipelineAttribute,
  SpanName,
  type TraceFields,
  traceFieldsFromContext,
} from '../tracing/index.js';

/** The route ingest serves; the request span's name and `http.route`. */
export const INGEST_ROUTE = '/events';

/**
 * The trace fields to stamp on an envelope from its create span's context. A `tracestate` the envelope schema would
 * refuse is left off: OpenTelemetry serializes a caller's `tracestate` whose members it all dropped as "".
 */
export function stampFields(context: Context): TraceFields {
  const fields = traceFieldsFromContext(context);
  if (fields.tracestate === undefined || TRACESTATE_PATTERN.test(fields.tracestate)) return fields;
  return { traceparent: fields.traceparent };
}

/** `envelope` with the trace fields of `context`: an orphan `tracestate` (without `traceparent`) is replaced. */
export function stampedEnvelope(envelope: Envelope, context: Context): Envelope {
  const { tracestate: _orphan, ...rest } = envelope;
  return { ...rest, ...stampFields(context) };
}

/**
 * The spans of one `POST /events` request (docs/tracing.md, ingest rows): the SERVER request span continuing the
 * caller's `traceparent` header, a `create <stream>` PRODUCER span per envelope ended once PutRecords placed its
 * record (or it failed), and a `send <stream>` CLIENT span per PutRecords call, linked to the create spans it
 * carried. Built only when tracing is on.
 */
export class IngestRequestTrace {
  readonly #tracer: Tracer;
  readonly #streamName: string;
  readonly #span: Span;
  readonly #context: Context;
  #creates: Span[] = [];
  #ended: boolean[] = [];

  /**
   * Starts the request span. An invalid `traceparent` header is ignored and a new trace starts, as W3C Trace Context
   * says (https://www.w3.org/TR/trace-context/#a-traceparent-is-received). API Gateway's payload 2.0 hands repeated
   * headers over joined with commas: two `traceparent` headers make an invalid one, two `tracestate` headers one list,
   * as W3C wants (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
   */
  constructor(
    tracer: Tracer,
    streamName: string,
    request: { readonly method: string; readonly path: string; readonly headers: TraceFields },
  ) {
    this.#tracer = tracer;
    this.#streamName = streamName;
    this.#span = tracer.startSpan(
      SpanName.ingestRequest(INGEST_ROUTE),
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: request.method,
          [ATTR_HTTP_ROUTE]: INGEST_ROUTE,
          [ATTR_URL_PATH]: request.path,
        },
      },
      contextFromTraceFields(request.headers),
    );
    this.#context = trace.setSpan(ROOT_CONTEXT, this.#span);
  }

  /** The request span's trace id (for logs). */
  get traceId(): string {
    return this.#span.spanContext().traceId;
  }

  /**
   * Starts each envelope's create span (parent: the envelope's own `traceparent`, linked to the request span; else
   * the request span) and returns the envelopes to write: those without a `traceparent` stamped with their create
   * span's context, the others unchanged.
   */
  createRecords(envelopes: readonly Envelope[]): Envelope[] {
    return envelopes.map((envelope) => {
      const own = envelope.traceparent !== undefined;
      const links: Link[] | undefined = own ? [{ context: this.#span.spanContext() }] : undefined;
      const span = this.#tracer.startSpan(
        SpanName.createRecord(this.#streamName),
        { kind: SpanKind.PRODUCER, ...(links === undefined ? {} : { links }) },
        own ? contextFromTraceFields(envelope, this.#context) : this.#context,
      );
      if (span.isRecording()) {
        span.setAttributes({
          ...envelopeAttributes(envelope, MessagingSystem.kinesis),
          [MessagingAttribute.operationType]: MessagingOperationType.create,
          [MessagingAttribute.operationName]: MessagingOperationType.create,
          [MessagingAttribute.destinationName]: this.#streamName,
        });
      }
      this.#creates.push(span);
      this.#ended.push(false);
      return own ? envelope : stampedEnvelope(envelope, trace.setSpan(ROOT_CONTEXT, span));
    });
  }

  /** The producer observer: a send span per PutRecords call; a create span ends when its record is placed. */
  readonly observer: PutObserver = {
    callStarted: (call) => {
      const links: Link[] = [];
      // An unsampled request's send span records nothing: its links are not built.
      if (this.#span.isRecording()) {
        for (const index of call.indexes) {
          const create = this.#creates[index];
          if (create !== undefined) links.push({ context: create.spanContext() });
        }
      }
      const span = this.#tracer.startSpan(
        SpanName.putRecords(this.#streamName),
        {
          kind: SpanKind.CLIENT,
          links,
          attributes: {
            [MessagingAttribute.system]: MessagingSystem.kinesis,
            [MessagingAttribute.operationType]: MessagingOperationType.send,
            [MessagingAttribute.operationName]: 'PutRecords',
            [MessagingAttribute.destinationName]: this.#streamName,
            [MessagingAttribute.batchMessageCount]: call.recordCount,
          },
        },
        this.#context,
      );
      return (outcomes) => this.#callAnswered(span, call.indexes, outcomes);
    },
  };

  #callAnswered(span: Span, indexes: readonly number[], outcomes: readonly PutRecordsEntryOutcome[]): void {
    let failed = 0;
    let firstFailure: string | undefined;
    outcomes.forEach((outcome, i) => {
      if (outcome.kind !== 'written') {
        failed += 1;
        firstFailure ??= outcome.message;
        return;
      }
      const index = indexes[i] as number;
      const create = this.#creates[index];
      if (create === undefined || this.#ended[index] === true) return;
      create.setAttributes({
        [PipelineAttribute.shardId]: outcome.shardId,
        [PipelineAttribute.kinesisSequenceNumber]: outcome.sequenceNumber,
      });
      create.end();
      this.#ended[index] = true;
    });
    if (failed > 0) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: `${failed} of ${outcomes.length} record(s) not written: ${firstFailure}`,
      });
    }
    span.end();
  }

  /** Ends the create spans of envelopes that were not written, with an error status naming why. */
  settle(results: readonly ProducerResult[]): void {
    results.forEach((result, index) => {
      const create = this.#creates[index];
      if (create === undefined || this.#ended[index] === true) return;
      if (result.status === 'written') {
        create.setAttributes({
          [PipelineAttribute.shardId]: result.shardId,
          [PipelineAttribute.kinesisSequenceNumber]: result.sequenceNumber,
        });
      } else {
        create.setStatus({ code: SpanStatusCode.ERROR, message: `${result.reason}: ${result.message}` });
      }
      create.end();
      this.#ended[index] = true;
    });
  }

  /** Ends the request span with the response status (an error status for 5xx, as HTTP server spans do). */
  end(statusCode: number): void {
    for (const [index, create] of this.#creates.entries()) if (this.#ended[index] !== true) create.end();
    this.#span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    if (statusCode >= 500) this.#span.setStatus({ code: SpanStatusCode.ERROR });
    this.#span.end();
  }
}
