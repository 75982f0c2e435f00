import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Envelope } from '../../processors/envelope/index.js';
import { archiveObjectLines, S3ArchiveSource } from '../../processors/replay/index.js';
import { fromSnapshotItem, SNAPSHOT_SK, storedPendingCount } from '../../processors/store/index.js';
import { createS3rverClient } from '../firehose/index.js';
import type { LocalStackEndpoints } from './local-stack.js';

/** One archive object: its key and the envelopes in it. */
export interface ArchivedEnvelopes {
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
export class LocalPipelineOutputs {
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

  /** Every archive object under the archive prefix, in key order, with the envelopes in it (read as replay reads them). */
  async archive(): Promise<ArchivedEnvelopes[]> {
    // s3rver's V2 continuation tokens fail on Node ≥ 17 (see S3ArchiveSource), so pages go by marker.
    const source = new S3ArchiveSource({
      client: this.s3,
      bucket: this.endpoints.bucket,
      listing: 'v1-marker',
    });
    const objects: ArchivedEnvelopes[] = [];
    for await (const object of source.list(this.endpoints.archivePrefix)) {
      const envelopes: Envelope[] = [];
      for await (const batch of archiveObjectLines(source, object.key)) {
        for (const line of batch.lines) if (line !== '') envelopes.push(JSON.parse(line) as Envelope);
      }
      objects.push({ key: object.key, envelopes });
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
            // Through the store's reader: a large state is stored compressed (docs/design.md §3).
            state: storedState(item),
            pendingCount: storedPendingCount(item),
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

/** An item's state through the store's reader (a large state is stored compressed), or the raw attribute if unreadable. */
function storedState(item: Record<string, unknown>): unknown {
  const snapshot = fromSnapshotItem(item);
  return typeof snapshot === 'string' ? item.state : snapshot.state;
}
