import type { Readable } from 'node:stream';

/** A run of complete lines read from a stream. */
export interface LineBatch {
  readonly lines: string[];
  /** The 1-based number of `lines[0]`. */
  readonly firstLine: number;
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
    carry = last + 1 < bytes.length ? bytes.subarray(last + 1) : undefined;
    yield { lines, firstLine: nextLine };
    nextLine += lines.length;
  }
  if (carry !== undefined && carry.length > 0) yield { lines: [carry.toString('utf8')], firstLine: nextLine };
}
