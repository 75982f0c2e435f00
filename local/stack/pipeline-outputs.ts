import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Envelope } from '../../processors/envelope/index.js';
import { SNAPSHOT_SK } from '../../processors/store/index.js';
import { createS3rverClient } from '../firehose/index.js';
import type { LocalStackEndpoints } from './local-stack.js';

const gunzip = promisify(gunzipCallback);

/** One archive object: its key and the envelopes in it. */
export interface ArchiveObject {
  readonly key: string;
  readonly envelopes: readonly Envelope[];
}

/** A projection's identity and ordering fields, as the snapshot item holds them. */
export interface ProjectionSummary {
  readonly aggregateId: string;
  readonly version: number;
  readonly chain: string;
  readonly state: unknown;
  readonly pendingCount: number;
}

/** A bus event as the Pipe (or a replay) put it: the envelope as detail. */
export interface QueuedBusEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: {
    readonly envelope: Envelope;
    readonly replay?: { readonly runId: string; readonly replayedAt: string };
  };
}

/**
 * Reads what the local pipeline produced — archive objects, projections, rule queues — through the same
 * endpoints any client uses (`endpoints.json`).
 */
export class PipelineOutputs {
  private readonly s3: S3Client;
  private readonly dynamo: DynamoDBDocumentClient;

  constructor(private readonly endpoints: LocalStackEndpoints) {
    this.s3 = createS3rverClient({ endpoint: endpoints.endpoints.s3, region: endpoints.region });
    this.dynamo = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: endpoints.endpoints.dynamodb,
        region: endpoints.region,
        credentials: { ...endpoints.credentials },
      }),
    );
  }

  /** Every archive object under the archive prefix, gunzipped and split into envelopes (≤ 1,000 objects: s3rver's continuation needs --openssl-legacy-provider). */
  async archive(): Promise<ArchiveObject[]> {
    const listed = await this.s3.send(
      new ListObjectsV2Command({ Bucket: this.endpoints.bucket, Prefix: this.endpoints.archivePrefix }),
    );
    const objects: ArchiveObject[] = [];
    for (const item of listed.Contents ?? []) {
      if (item.Key === undefined) continue;
      const object = await this.s3.send(
        new GetObjectCommand({ Bucket: this.endpoints.bucket, Key: item.Key }),
      );
      const body = await gunzip(Buffer.from(await (object.Body?.transformToByteArray() ?? new Uint8Array())));
      const envelopes = body
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Envelope);
      objects.push({ key: item.Key, envelopes });
    }
    return objects;
  }

  /** The snapshot items of these order aggregates (missing ones are left out). */
  async projections(aggregateType: string, aggregateIds: readonly string[]): Promise<ProjectionSummary[]> {
    const found: ProjectionSummary[] = [];
    for (let start = 0; start < aggregateIds.length; start += 100) {
      let keys = aggregateIds
        .slice(start, start + 100)
        .map((id): Record<string, unknown> => ({ pk: `${aggregateType}#${id}`, sk: SNAPSHOT_SK }));
      // Bounded: dynalite returns unprocessed keys only under pressure.
      for (let attempt = 0; attempt < 10 && keys.length > 0; attempt += 1) {
        const output = await this.dynamo.send(
          new BatchGetCommand({ RequestItems: { [this.endpoints.table]: { Keys: keys } } }),
        );
        for (const item of output.Responses?.[this.endpoints.table] ?? []) {
          found.push({
            aggregateId: String(item.aggregateId),
            version: Number(item.version),
            chain: String(item.chain),
            state: item.state,
            pendingCount: Array.isArray(item.pending) ? item.pending.length : 0,
          });
        }
        keys = (output.UnprocessedKeys?.[this.endpoints.table]?.Keys ?? []) as typeof keys;
      }
    }
    return found;
  }

  /** The events in a rule's queue file (`replay` is set on events a replay published). */
  async queue(ruleName: string): Promise<QueuedBusEvent[]> {
    const file = this.endpoints.queues[ruleName];
    if (file === undefined) throw new Error(`no queue for rule ${ruleName}`);
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as QueuedBusEvent);
  }

  /** Releases the clients. */
  close(): void {
    this.s3.destroy();
    this.dynamo.destroy();
  }
}
