import { createGunzip } from 'node:zlib';
import type { ArchiveSource } from './archive-source.js';
import { type LineBatch, lineBatches } from './line-batches.js';

/**
 * The lines of one archive object (GZIP, one envelope per line as Firehose writes them), batch by batch, streamed:
 * the one way every reader of the archive (replay, `archive verify`, the load verifier, the local stack's outputs)
 * opens an object. A read or decompression error rejects the iteration.
 */
export async function* archiveObjectLines(
  source: ArchiveSource,
  key: string,
  chunkSize = 64 * 1024,
): AsyncGenerator<LineBatch> {
  const body = await source.open(key);
  const gunzip = createGunzip({ chunkSize });
  body.on('error', (error) => gunzip.destroy(error));
  body.pipe(gunzip);
  yield* lineBatches(gunzip);
}
