import type { z } from 'zod';
import { isValidEnvelope } from './compiled-check.js';
import { EnvelopeError, type EnvelopeIssue, PoisonReason } from './errors.js';
import { type Envelope, envelopeSchema, MAX_ENVELOPE_BYTES } from './schema.js';

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
 * Validates a parsed JSON value as an envelope (without checking `data` against its schema). A valid value passes the
 * compiled check and is returned as is; anything else goes through zod, which names every issue.
 */
export function parseEnvelope(value: unknown): Envelope {
  if (isValidEnvelope(value)) return value;
  const result = envelopeSchema.safeParse(value);
  if (!result.success) {
    throw new EnvelopeError(PoisonReason.SchemaViolation, toEnvelopeIssues(result.error));
  }
  return result.data;
}

/** Decodes UTF-8 JSON bytes into an envelope, enforcing the 256 KiB limit. */
export function decodeEnvelopeBytes(bytes: Uint8Array): Envelope {
  if (bytes.byteLength > MAX_ENVELOPE_BYTES) {
    throw new EnvelopeError(PoisonReason.Oversize, [
      { path: '', message: `record is ${bytes.byteLength} bytes; the limit is ${MAX_ENVELOPE_BYTES}` },
    ]);
  }
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
  return parseEnvelope(value);
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

/** Encodes an envelope as UTF-8 JSON bytes, rejecting anything over 256 KiB. */
export function encodeEnvelope(envelope: Envelope): Buffer {
  const bytes = Buffer.from(JSON.stringify(envelope), 'utf8');
  if (bytes.byteLength > MAX_ENVELOPE_BYTES) {
    throw new EnvelopeError(PoisonReason.Oversize, [
      { path: '', message: `envelope is ${bytes.byteLength} bytes; the limit is ${MAX_ENVELOPE_BYTES}` },
    ]);
  }
  return bytes;
}

/** Encodes an envelope as the base64 string a Kinesis record carries in a Lambda event. */
export function encodeKinesisData(envelope: Envelope): string {
  return encodeEnvelope(envelope).toString('base64');
}
