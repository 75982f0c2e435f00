import { Readable } from 'node:stream';
import {
  type _Object,
  GetObjectCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ArchiveObject, ArchiveSource } from './archive-source.js';

/** What a listing page says of one object. */
type ListedObject = Pick<_Object, 'Key' | 'Size' | 'ETag'>;

/** Options of {@link S3ArchiveSource}. */
export interface S3ArchiveSourceOptions {
  readonly client: Pick<S3Client, 'send'>;
  readonly bucket: string;
  /** Keys per ListObjectsV2 page. @default 1000 */
  readonly pageSize?: number;
  /** Most pages per prefix, a bound against a store that never stops paging. @default 100_000 */
  readonly maxPages?: number;
  /**
   * `v2`: ListObjectsV2 with continuation tokens (AWS). `v1-marker`: ListObjects with `Marker`, for s3rver, whose
   * V2 continuation tokens need a cipher Node ≥ 17 lacks (every truncated V2 page fails with a 500 there).
   * @default 'v2'
   */
  readonly listing?: 'v2' | 'v1-marker';
}

/** The archive in an S3 bucket: paginated listing per prefix, objects streamed from GetObject. */
export class S3ArchiveSource implements ArchiveSource {
  readonly description: string;
  readonly #client: Pick<S3Client, 'send'>;
  readonly #bucket: string;
  readonly #pageSize: number;
  readonly #maxPages: number;
  readonly #listing: 'v2' | 'v1-marker';

  constructor(options: S3ArchiveSourceOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#pageSize = options.pageSize ?? 1000;
    this.#maxPages = options.maxPages ?? 100_000;
    this.#listing = options.listing ?? 'v2';
    this.description = `s3://${options.bucket}`;
  }

  async *list(prefix: string): AsyncIterable<ArchiveObject> {
    let token: string | undefined;
    for (let page = 0; page < this.#maxPages; page++) {
      const { contents, next } = await this.#page(prefix, token);
      for (const object of contents) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key,
          size: object.Size ?? 0,
          ...(object.ETag === undefined ? {} : { etag: object.ETag }),
        };
      }
      if (next === undefined) return;
      token = next;
    }
    throw new Error(`listing s3://${this.#bucket}/${prefix} exceeded ${this.#maxPages} pages`);
  }

  async #page(
    prefix: string,
    token: string | undefined,
  ): Promise<{ contents: readonly ListedObject[]; next: string | undefined }> {
    if (this.#listing === 'v2') {
      const out = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: prefix,
          MaxKeys: this.#pageSize,
          ...(token === undefined ? {} : { ContinuationToken: token }),
        }),
      );
      return {
        contents: out.Contents ?? [],
        next: out.IsTruncated === true ? out.NextContinuationToken : undefined,
      };
    }
    const out = await this.#client.send(
      new ListObjectsCommand({
        Bucket: this.#bucket,
        Prefix: prefix,
        MaxKeys: this.#pageSize,
        ...(token === undefined ? {} : { Marker: token }),
      }),
    );
    const contents = out.Contents ?? [];
    return {
      contents,
      next: out.IsTruncated === true ? (out.NextMarker ?? contents.at(-1)?.Key) : undefined,
    };
  }

  async open(key: string): Promise<Readable> {
    const output = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
    const body = output.Body;
    if (body === undefined) throw new Error(`s3://${this.#bucket}/${key} has no body`);
    if (body instanceof Readable) return body;
    return Readable.fromWeb(
      (body as { transformToWebStream(): ReadableStream }).transformToWebStream() as never,
    );
  }
}
