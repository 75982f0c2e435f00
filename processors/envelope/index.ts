export {
  decodeEnvelopeBytes,
  decodeKinesisData,
  encodeEnvelope,
  encodeKinesisData,
  isPaddedBase64,
  parseEnvelope,
  toEnvelopeIssues,
} from './codec.js';
export { EnvelopeError, type EnvelopeIssue, formatIssue, PoisonReason } from './errors.js';
export { envelopeNestingIssue, MAX_ENVELOPE_NESTING, tooDeeplyNestedPath } from './nesting-depth.js';
export {
  type Envelope,
  envelopeSchema,
  TRACEPARENT_PATTERN,
  TRACESTATE_PATTERN,
  type TypedEnvelope,
} from './schema.js';
export {
  envelopeFitsBridge,
  MAX_ENVELOPE_BYTES,
  MIN_ENVELOPE_LIMIT_BYTES,
  maxEnvelopeBytes,
} from './size-limit.js';
