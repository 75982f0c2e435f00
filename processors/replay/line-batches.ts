import type { Readable } from 'node:stream';

/** A run of complete lines read from a stream. */
export interface LineBatch {
  readonly lines: string[];
  /** The 1-based number of `lines[0]`. */
  readonly firstLine: number;
  /** The UTF-8 bytes the lines were decoded from. */
  readonly bytes: Buffer;
  /** Byte offset in `bytes` where each line starts, plus one past the last line's end: line i is [o[i], o[i+1] - 1). */
  readonly byteOffsets: readonly number[];
}

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into UTF-8 lines, batch by batch as chunks arrive, never holding more than one chunk plus one
 * partial line. Bytes are decoded only up to the last newline, so a multi-byte character split across chunks stays
 * whole. A final line without a newline is yielded too; empty lines are kept (callers skip them, keeping numbers).
 */
export async function* lineBatches(stream: Readable): AsyncGenerator<LineBatch> {
  let carry: Buffer | undefined;
  let nextLine = 1;
  for await (const chunk of stream) {
    const bytes: Buffer = carry === undefined ? (chunk as Buffer) : Buffer.concat([carry, chunk as Buffer]);
    const last = bytes.lastIndexOf(NEWLINE);
    if (last < 0) {
      carry = bytes;
      continue;
    }
    const lines = bytes.toString('utf8', 0, last).split('\n');
    // UTF-8 never has a 0x0A byte inside a multi-byte character, so the byte newlines match the split's.
    const byteOffsets = [0];
    for (let at = bytes.indexOf(NEWLINE); at >= 0 && at <= last; at = bytes.indexOf(NEWLINE, at + 1)) {
      byteOffsets.push(at + 1);
    }
    carry = last + 1 < bytes.length ? bytes.subarray(last + 1) : undefined;
    yield { lines, firstLine: nextLine, bytes, byteOffsets };
    nextLine += lines.length;
  }
  if (carry !== undefined && carry.length > 0) {
    yield {
      lines: [carry.toString('utf8')],
      firstLine: nextLine,
      bytes: carry,
      byteOffsets: [0, carry.length + 1],
    };
  }
}
