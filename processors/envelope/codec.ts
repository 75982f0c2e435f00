import type { z } from 'zod';
import { isValidEnvelope } from './compiled-check.js';
import { EnvelopeError, type EnvelopeIssue, PoisonReason } from './errors.js';
import { envelopeNestingIssue } from './nesting-depth.js';
import { type Envelope, envelopeSchema } from './schema.js';
import { MIN_ENVELOPE_LIMIT_BYTES, maxEnvelopeBytes } from './size-limit.js';

/** Padded base64 is whole 4-character groups of the alphabet, with up to two `=` at the very end. */
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

/** True for canonical padded base64, as Kinesis delivers it (a linear scan, no backtracking groups). */
export function isPaddedBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64_CHARS.test(text);
}
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Converts zod issues into path + rule messages, with the path prefixed (e.g. `data`). */
export function toEnvelopeIssues(
  error: z.ZodError,
  prefix: readonly (string | number)[] = [],
): EnvelopeIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => String(p))].join('.'),
    message: issue.message,
  }));
}

/**
 * Validates a parsed JSON value as an envelope (without checking `data` against its schema). A value nested too deeply
 * (`nesting-depth.ts`) is refused first; a valid value passes the compiled check and is returned as is; anything else
 * goes through zod, which names every issue.
 */
export function parseEnvelope(value: unknown): Envelope {
  const tooDeep = envelopeNestingIssue(value);
  if (tooDeep !== undefined) throw new EnvelopeError(PoisonReason.SchemaViolation, [tooDeep]);
  if (isValidEnvelope(value)) return value;
  const result = envelopeSchema.safeParse(value);
  if (!result.success) {
    throw new EnvelopeError(PoisonReason.SchemaViolation, toEnvelopeIssues(result.error));
  }
  return result.data;
}

/**
 * Re-encoding parsed JSON grows it only through numbers (`1e20` becomes 21 digits), never beyond 5.25×: a
 * record this many times under the smallest limit fits whatever its envelope re-encodes to.
 */
const REENCODING_GROWTH_BOUND = 6;

/** Throws `Oversize` unless the envelope, `encodedBytes` long as `JSON.stringify` writes it, can cross the bus bridge. */
function checkEnvelopeSize(envelope: Envelope, encodedBytes: number): void {
  const limit = maxEnvelopeBytes(envelope.aggregateType, envelope.type);
  if (encodedBytes > limit) {
    throw new EnvelopeError(PoisonReason.Oversize, [
      {
        path: '',
        message: `envelope is ${encodedBytes} bytes; the limit for aggregateType ${JSON.stringify(envelope.aggregateType)} and type ${JSON.stringify(envelope.type)} is ${limit} (one PutEvents entry on the bus)`,
      },
    ]);
  }
}

/** Decodes UTF-8 JSON bytes into an envelope, enforcing the envelope size limit (`size-limit.ts`). */
export function decodeEnvelopeBytes(bytes: Uint8Array): Envelope {
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch (cause) {
    throw new EnvelopeError(PoisonReason.NotUtf8, [{ path: '', message: 'record is not valid UTF-8' }], {
      cause,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new EnvelopeError(
      PoisonReason.NotJson,
      [{ path: '', message: `record is not JSON (${(cause as Error).message})` }],
      { cause },
    );
  }
  const envelope = parseEnvelope(value);
  // The bus carries the envelope re-encoded (JSON.stringify), not the record's own bytes.
  if (bytes.byteLength * REENCODING_GROWTH_BOUND > MIN_ENVELOPE_LIMIT_BYTES) {
    checkEnvelopeSize(envelope, Buffer.byteLength(JSON.stringify(envelope), 'utf8'));
  }
  return envelope;
}

/** Decodes a Kinesis record's base64 `data` into an envelope (base64 → JSON → envelope). */
export function decodeKinesisData(base64: string): Envelope {
  if (!isPaddedBase64(base64)) {
    throw new EnvelopeError(PoisonReason.BadBase64, [
      { path: '', message: 'record data is not valid base64' },
    ]);
  }
  return decodeEnvelopeBytes(Buffer.from(base64, 'base64'));
}

/** Encodes an envelope as UTF-8 JSON bytes, rejecting one over the envelope size limit (`size-limit.ts`). */
export function encodeEnvelope(envelope: Envelope): Buffer {
  const bytes = Buffer.from(JSON.stringify(envelope), 'utf8');
  checkEnvelopeSize(envelope, bytes.byteLength);
  return bytes;
}

/** Encodes an envelope as the base64 string a Kinesis record carries in a Lambda event. */
export function encodeKinesisData(envelope: Envelope): string {
  return encodeEnvelope(envelope).toString('base64');
}
