import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { TraceFlags } from '@opentelemetry/api';
import { type Sampler, SamplingDecision, type SamplingResult } from '@opentelemetry/sdk-trace';

/**
 * Records a span that links to a sampled context, else asks `delegate`. A processor or replay batch is a new trace
 * linked to its events (docs/tracing.md); sampled on its own at the stack's ratio, the decisions of a traced event
 * would be recorded only that often. Following the links keeps every sampled event's path whole.
 */
export class LinkAwareSampler implements Sampler {
  readonly #delegate: Sampler;

  constructor(delegate: Sampler) {
    this.#delegate = delegate;
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    for (const link of links)
      if ((link.context.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED)
        return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.#delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `LinkAwareSampler{${this.#delegate.toString()}}`;
  }
}
