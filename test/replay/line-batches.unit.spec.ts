import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LineBatch, lineBatches } from '../../processors/replay/index.js';

async function collect(chunks: readonly Buffer[]): Promise<LineBatch[]> {
  const batches: LineBatch[] = [];
  for await (const batch of lineBatches(Readable.from(chunks))) batches.push(batch);
  return batches;
}

/** Splits `bytes` at the given cut points (any byte position, inside multi-byte characters too). */
function cut(bytes: Buffer, points: readonly number[]): Buffer[] {
  const sorted = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of sorted) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out.filter((c) => c.length > 0);
}

describe('lineBatches', () => {
  it('yields every line, numbered, with byte ranges that decode to the same text, however the stream is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: 'grapheme' }).map((s) => s.replaceAll('\n', '')),
          { maxLength: 30 },
        ),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (lines, trailingNewline, points) => {
          const text = lines.join('\n') + (trailingNewline && lines.length > 0 ? '\n' : '');
          const batches = await collect(cut(Buffer.from(text, 'utf8'), points));
          const seen: string[] = [];
          for (const batch of batches) {
            expect(batch.firstLine).toBe(seen.length + 1);
            expect(batch.byteOffsets).toHaveLength(batch.lines.length + 1);
            batch.lines.forEach((line, i) => {
              const start = batch.byteOffsets[i] as number;
              const end = (batch.byteOffsets[i + 1] as number) - 1;
              expect(batch.bytes.toString('utf8', start, end)).toBe(line);
              seen.push(line);
            });
          }
          // A text ending in a newline (or empty) has no line after it.
          const expected = text.split('\n');
          if (expected.at(-1) === '') expected.pop();
          expect(seen).toEqual(expected);
        },
      ),
    );
  });

  it('keeps a character whose bytes arrive in two chunks whole', async () => {
    const bytes = Buffer.from('a😀b\nc', 'utf8');
    const batches = await collect([bytes.subarray(0, 3), bytes.subarray(3)]);
    expect(batches.flatMap((b) => b.lines)).toEqual(['a😀b', 'c']);
  });
});
