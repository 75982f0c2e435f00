import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { RECENT_KEY_BYTES, SKIPPED_KEY } from '../engine/recent-key.js';

/**
 * The binary attributes of the snapshot item (docs/design.md §3): the conflict-detection window, the applied times
 * and the compressed state. DynamoDB counts a binary value by its raw bytes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html), so 64 keys
 * take 384 bytes where 64 ULID strings in a List took about 1.8 KB.
 */

/** The window as stored: `RECENT_KEY_BYTES` per sequence, oldest first; all zeros for a skipped sequence. */
export function encodeRecentWindow(keys: readonly string[]): Uint8Array {
  const bytes = new Uint8Array(keys.length * RECENT_KEY_BYTES);
  keys.forEach((key, index) => {
    if (key !== SKIPPED_KEY) bytes.set(Buffer.from(key, 'hex'), index * RECENT_KEY_BYTES);
  });
  return bytes;
}

/** The window keys of a stored window; returns undefined when its length is not a whole number of keys. */
export function decodeRecentWindow(bytes: Uint8Array): string[] | undefined {
  if (bytes.byteLength % RECENT_KEY_BYTES !== 0) return undefined;
  const keys: string[] = [];
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 0; offset < buffer.byteLength; offset += RECENT_KEY_BYTES) {
    const slot = buffer.subarray(offset, offset + RECENT_KEY_BYTES);
    keys.push(slot.every((byte) => byte === 0) ? SKIPPED_KEY : slot.toString('hex'));
  }
  return keys;
}

/** An applied time not known (items written before applied times were kept). */
const UNKNOWN_AGO = 0xffff_ffff;

/**
 * Applied times as stored: per sequence, a big-endian uint32 of milliseconds before `updatedAtMs` (0xFFFFFFFF =
 * unknown; at most about 49 days back, older ones read as that far back). 4 bytes where a Number took up to 8.
 */
export function encodeAppliedTimes(appliedAt: readonly number[], updatedAtMs: number): Uint8Array {
  const buffer = Buffer.alloc(appliedAt.length * 4);
  appliedAt.forEach((at, index) => {
    const ago = at > 0 ? Math.min(Math.max(0, Math.round(updatedAtMs - at)), UNKNOWN_AGO - 1) : UNKNOWN_AGO;
    buffer.writeUInt32BE(ago, index * 4);
  });
  return new Uint8Array(buffer);
}

/** Epoch-ms applied times of a stored attribute (0 = unknown); undefined when its length is not a multiple of 4. */
export function decodeAppliedTimes(bytes: Uint8Array, updatedAtMs: number): number[] | undefined {
  if (bytes.byteLength % 4 !== 0) return undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const times: number[] = [];
  for (let offset = 0; offset < buffer.byteLength; offset += 4) {
    const ago = buffer.readUInt32BE(offset);
    times.push(ago === UNKNOWN_AGO || !Number.isFinite(updatedAtMs) ? 0 : updatedAtMs - ago);
  }
  return times;
}

/**
 * A state larger than this (as DynamoDB counts it) is stored compressed; smaller ones stay a plain Map, readable
 * in the console. Half a write unit: below it compression cannot save a unit of a typical snapshot.
 */
export const STATE_COMPRESSION_MIN_BYTES = 512;

// Quality 5 of 11: near the best ratio on JSON at a fraction of the time of the default 11.
const BROTLI_OPTIONS = {
  params: {
    [constants.BROTLI_PARAM_QUALITY]: 5,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
  },
};

/** Compressed forms by state object: a batch measures a snapshot then writes it, compressing once. */
const compressedByState = new WeakMap<object, Uint8Array | null>();

/**
 * The state as stored compressed (brotli over its JSON), or undefined when it stays plain: at most
 * {@link STATE_COMPRESSION_MIN_BYTES}, or compression would not make it smaller. `plainBytes` is its measured size.
 * The state must be storable (checked by the caller): JSON would silently turn a NaN into null.
 */
export function compressedState(state: unknown, plainBytes: number): Uint8Array | undefined {
  if (plainBytes <= STATE_COMPRESSION_MIN_BYTES || typeof state !== 'object' || state === null)
    return undefined;
  const cached = compressedByState.get(state);
  if (cached !== undefined) return cached ?? undefined;
  const compressed = brotliCompressSync(JSON.stringify(state), BROTLI_OPTIONS);
  const result = compressed.byteLength < plainBytes ? new Uint8Array(compressed) : undefined;
  compressedByState.set(state, result ?? null);
  return result;
}

/** The state of a compressed attribute. */
export function decompressState(bytes: Uint8Array): unknown {
  return JSON.parse(brotliDecompressSync(bytes).toString('utf8'));
}
