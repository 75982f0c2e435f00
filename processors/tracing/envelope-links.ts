import type { Link } from '@opentelemetry/api';
import type { Envelope } from '../envelope/schema.js';
import { envelopeAttributes } from './envelope-attributes.js';
import { spanContextFromTraceFields } from './trace-context.js';

/**
 * One link per envelope that carries a trace context, with the envelope's attributes (docs/tracing.md): how a span
 * over many events (a processor batch, a replay batch) points at each of them without adopting one as its parent.
 */
export function envelopeLinks(envelopes: Iterable<Envelope>, messagingSystem: string): Link[] {
  const links: Link[] = [];
  for (const envelope of envelopes) {
    const context = spanContextFromTraceFields(envelope);
    if (context !== undefined)
      links.push({ context, attributes: envelopeAttributes(envelope, messagingSystem) });
  }
  return links;
}
