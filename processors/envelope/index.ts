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
export { type Envelope, envelopeSchema, MAX_ENVELOPE_BYTES, type TypedEnvelope } from './schema.js';
