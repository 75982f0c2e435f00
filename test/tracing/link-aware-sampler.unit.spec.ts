import { ROOT_CONTEXT, SpanKind, TraceFlags } from '@opentelemetry/api';
import { AlwaysOffSampler, AlwaysOnSampler, SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { isSampledTraceparent, LinkAwareSampler } from '../../processors/tracing/index.js';

const link = (traceFlags: number) => ({
  context: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags },
});
const decide = (sampler: LinkAwareSampler, links: ReturnType<typeof link>[]) =>
  sampler.shouldSample(ROOT_CONTEXT, 'a'.repeat(32), 'process events', SpanKind.CONSUMER, {}, links).decision;

describe('LinkAwareSampler', () => {
  it('records a span linked to a sampled context, whatever its delegate says', () => {
    const sampler = new LinkAwareSampler(new AlwaysOffSampler());
    expect(decide(sampler, [link(TraceFlags.NONE), link(TraceFlags.SAMPLED)])).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
  });

  it('asks its delegate when no link is sampled', () => {
    expect(decide(new LinkAwareSampler(new AlwaysOffSampler()), [link(TraceFlags.NONE)])).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(decide(new LinkAwareSampler(new AlwaysOnSampler()), [])).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});

describe('isSampledTraceparent', () => {
  it('reads the sampled bit of the flags', () => {
    const base = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331';
    expect(isSampledTraceparent({ traceparent: `${base}-01` })).toBe(true);
    expect(isSampledTraceparent({ traceparent: `${base}-03` })).toBe(true);
    expect(isSampledTraceparent({ traceparent: `${base}-00` })).toBe(false);
    expect(isSampledTraceparent({ traceparent: `${base}-02` })).toBe(false);
    expect(isSampledTraceparent({})).toBe(false);
  });
});
