import { type Attributes, ProxyTracerProvider, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { LinkAwareSampler } from './link-aware-sampler.js';

/**
 * What a component traces with (docs/tracing.md). Components take one of these instead of reaching for a global
 * provider, so the local stack can run every component in one process, each with its `service.name`, and tests can
 * read the spans. Contexts are passed explicitly (no global context manager).
 */
export interface Tracing {
  /** False for {@link TRACING_OFF}: callers may skip building span attributes altogether. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Exports every ended span; a Lambda calls it before returning, since it is frozen afterwards. */
  flush(): Promise<void>;
  /** Flushes and stops exporting. */
  shutdown(): Promise<void>;
}

/** Tracing off: a no-op tracer (the OpenTelemetry API's own, with no provider behind it); nothing is recorded. */
export const TRACING_OFF: Tracing = {
  enabled: false,
  tracer: new ProxyTracerProvider().getTracer('off'),
  flush: async () => {},
  shutdown: async () => {},
};

/** Options of {@link createTracing}. */
export interface TracingOptions {
  /** `service.name` of every span (ingest, stream-processor, pipe, …). */
  readonly serviceName: string;
  readonly exporter: SpanExporter;
  /** Share of new traces recorded; a span with a remote parent follows the parent's sampled flag. @default 1 */
  readonly samplingRatio?: number;
  /** Export in batches in the background (a long-running process) or each span as it ends. @default 'batch' */
  readonly processor?: 'batch' | 'simple';
  /** More resource attributes (`deployment.environment.name`, `cloud.region`, …). */
  readonly resource?: Attributes;
}

/**
 * Spans a batch may link: one per record of a processor batch (Lambda's Kinesis batch size is at most 10,000).
 * OpenTelemetry's default limit is 128 links, which would drop most of a batch's records.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (BatchSize)
 */
export const MAX_LINKS_PER_SPAN = 10_000;

/**
 * Spans a component may hold before export. OpenTelemetry's default (2,048) drops spans without a word when one
 * invocation writes more: a 10,000-record batch over as many aggregates writes one span per aggregate.
 */
export const MAX_QUEUED_SPANS = 32_768;

/**
 * A tracer provider for one component: a span linked to a sampled context is recorded; otherwise parent-based
 * sampling at `samplingRatio`.
 */
export function createTracing(options: TracingOptions): Tracing {
  const ratio = options.samplingRatio ?? 1;
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`samplingRatio must be within [0, 1], got ${ratio}`);
  const processor =
    options.processor === 'simple'
      ? new SimpleSpanProcessor({ exporter: options.exporter })
      : new BatchSpanProcessor({ exporter: options.exporter, maxQueueSize: MAX_QUEUED_SPANS });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, ...options.resource }),
    sampler: new LinkAwareSampler(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) })),
    spanProcessors: [processor],
    spanLimits: { linkCountLimit: MAX_LINKS_PER_SPAN },
  });
  return {
    enabled: true,
    tracer: provider.getTracer('ordered-event-pipeline'),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
