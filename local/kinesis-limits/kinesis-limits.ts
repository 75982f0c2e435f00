import { Readable } from 'node:stream';
import { type KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { putRecordsPartially, type WireRequest, type WireResponse } from '../kinesis/partial-put-records.js';
import { type ShardHashRange, shardForKey } from './shard-for-key.js';
import { ShardLimiter, type ShardLimits, type ShardThrottles } from './shard-limiter.js';

/** Options of {@link KinesisLimits}: the per-shard limits, AWS's documented ones by default. */
export type KinesisLimitsOptions = Partial<ShardLimits>;

type RawRequest = WireRequest;
type RawResponse = WireResponse;
type Next = (args: unknown) => Promise<{ response: unknown; output?: unknown }>;

/** What the initialize step found out about a call, for the deserialize step (shared through the SDK's context). */
type Planned =
  | { readonly kind: 'read'; readonly shardId: string }
  | {
      readonly kind: 'write';
      readonly shards: readonly (string | undefined)[];
      readonly sizes: readonly number[];
    };
interface LimitsContext {
  commandName?: string;
  kinesisLimits?: Planned;
}

interface PutRecordsEntry {
  readonly Data?: Uint8Array;
  readonly PartitionKey?: string;
  readonly ExplicitHashKey?: string;
}

/**
 * Kinesis per-shard limits for every client of one local stack, so readers share a shard's read limit as they
 * do on AWS: one {@link ShardLimiter}, the shard of each iterator handed out, and each stream's hash key ranges.
 */
export class KinesisLimits {
  readonly limiter: ShardLimiter;
  readonly #iterators = new Map<string, string>();
  readonly #ranges = new Map<string, Promise<ShardHashRange[]>>();

  constructor(options: KinesisLimitsOptions = {}, now?: () => number) {
    this.limiter = new ShardLimiter(options, now);
  }

  /** Throttles per shard since the start. */
  throttles(): ShardThrottles[] {
    return this.limiter.throttles();
  }

  /**
   * Adds the limits to a client: a throttled GetRecords or PutRecord is a ProvisionedThroughputExceededException
   * HTTP 400 answer just above the HTTP handler (inside the deserializer and the retry middleware, as
   * local/faults/sdk-faults.ts injects faults), so the SDK retries it as it would on AWS; a PutRecords call sends
   * only its admitted records and answers the others with per-record ErrorCode
   * ProvisionedThroughputExceededException (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html).
   */
  apply(client: KinesisClient): void {
    const stack = client.middlewareStack as unknown as {
      add(middleware: unknown, options: { step: string; priority?: string; name: string }): void;
    };
    stack.add(
      (next: Next, context: LimitsContext) => async (args: { input: Record<string, unknown> }) => {
        const planned = await this.#plan(client, context.commandName, args.input);
        if (planned !== undefined) context.kinesisLimits = planned;
        const result = await next(args);
        const output = result.output as Record<string, unknown> | undefined;
        this.#learn(context.commandName, args.input, output);
        if (planned?.kind === 'write') this.#checkRanges(args.input, planned.shards, output);
        return result;
      },
      { step: 'initialize', name: 'kinesisLimitsPlan' },
    );
    stack.add(
      (next: Next, context: LimitsContext) => async (args: { request: RawRequest }) => {
        const planned = context.kinesisLimits;
        if (planned === undefined) return next(args);
        if (planned.kind === 'read')
          return this.limiter.admitRead(planned.shardId) ? next(args) : { response: throttled() };
        if (context.commandName === 'PutRecordCommand') {
          const shardId = planned.shards[0];
          return shardId === undefined || this.limiter.admitWrite(shardId, planned.sizes[0] ?? 0)
            ? next(args)
            : { response: throttled() };
        }
        const admitted = planned.shards.map(
          (shardId, i) => shardId === undefined || this.limiter.admitWrite(shardId, planned.sizes[i] ?? 0),
        );
        if (admitted.every(Boolean)) return next(args);
        return putSome(args, next, admitted);
      },
      { step: 'deserialize', priority: 'low', name: 'kinesisLimitsEnforce' },
    );
  }

  async #plan(client: KinesisClient, command: string | undefined, input: Record<string, unknown>) {
    if (command === 'GetRecordsCommand') {
      const shardId = this.#iterators.get(String(input.ShardIterator));
      return shardId === undefined ? undefined : ({ kind: 'read', shardId } as const);
    }
    if (command !== 'PutRecordsCommand' && command !== 'PutRecordCommand') return undefined;
    const entries = (
      command === 'PutRecordsCommand' ? (input.Records as PutRecordsEntry[]) : [input]
    ) as PutRecordsEntry[];
    const ranges = await this.#rangesOf(client, input);
    return {
      kind: 'write',
      shards: entries.map((e) => shardForKey(ranges, e.PartitionKey ?? '', e.ExplicitHashKey)),
      sizes: entries.map((e) => (e.Data?.byteLength ?? 0) + Buffer.byteLength(e.PartitionKey ?? '')),
    } as const;
  }

  #learn(command: string | undefined, input: Record<string, unknown>, output?: Record<string, unknown>) {
    if (output === undefined) return;
    if (command === 'GetShardIteratorCommand' && typeof output.ShardIterator === 'string')
      this.#iterators.set(output.ShardIterator, String(input.ShardId));
    if (command === 'GetRecordsCommand') {
      const shardId = this.#iterators.get(String(input.ShardIterator));
      if (shardId === undefined) return;
      this.#iterators.delete(String(input.ShardIterator));
      if (typeof output.NextShardIterator === 'string')
        this.#iterators.set(output.NextShardIterator, shardId);
      const records = (output.Records ?? []) as PutRecordsEntry[];
      let bytes = 0;
      for (const record of records)
        bytes += (record.Data?.byteLength ?? 0) + Buffer.byteLength(record.PartitionKey ?? '');
      this.limiter.chargeRead(shardId, bytes);
    }
  }

  /** A written record on another shard than planned means the stream was resharded: list its shards again. */
  #checkRanges(
    input: Record<string, unknown>,
    planned: readonly (string | undefined)[],
    output: Record<string, unknown> | undefined,
  ) {
    const written = (output?.Records as { ShardId?: string }[] | undefined) ?? [
      output as { ShardId?: string },
    ];
    if (written.some((entry, i) => entry?.ShardId !== undefined && entry.ShardId !== planned[i]))
      this.#ranges.delete(String(input.StreamARN ?? input.StreamName));
  }

  #rangesOf(client: KinesisClient, input: Record<string, unknown>): Promise<ShardHashRange[]> {
    const key = String(input.StreamARN ?? input.StreamName);
    let ranges = this.#ranges.get(key);
    if (ranges === undefined) {
      ranges = listRanges(client, input);
      this.#ranges.set(key, ranges);
      ranges.catch(() => this.#ranges.delete(key));
    }
    return ranges;
  }
}

async function listRanges(client: KinesisClient, input: Record<string, unknown>): Promise<ShardHashRange[]> {
  const ranges: ShardHashRange[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListShardsCommand(
        token !== undefined
          ? { NextToken: token }
          : input.StreamARN !== undefined
            ? { StreamARN: String(input.StreamARN) }
            : { StreamName: String(input.StreamName) },
      ),
    );
    // Closed shards (after a reshard) take no writes; only open ones get a record's hash.
    for (const shard of page.Shards ?? [])
      if (shard.SequenceNumberRange?.EndingSequenceNumber === undefined)
        ranges.push({
          shardId: String(shard.ShardId),
          startingHashKey: String(shard.HashKeyRange?.StartingHashKey),
          endingHashKey: String(shard.HashKeyRange?.EndingHashKey),
        });
    token = page.NextToken;
  } while (token !== undefined);
  return ranges;
}

/** Sends only the admitted records of a PutRecords call and answers the others as throttled, in their places. */
function putSome(args: { request: RawRequest }, next: Next, admitted: readonly boolean[]) {
  return putRecordsPartially(args, next, (i) => admitted[i] === true, 'Rate exceeded for shard');
}

/** Kinesis's throttling answer (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html#API_GetRecords_Errors). */
function throttled(): RawResponse {
  return {
    statusCode: 400,
    reason: 'Bad Request',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'kinesis-limits' },
    body: Readable.from([
      Buffer.from(
        JSON.stringify({
          __type: 'ProvisionedThroughputExceededException',
          message: 'Rate exceeded for shard',
        }),
      ),
    ]),
  };
}
