import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DETAIL_TYPE_PATH,
  ENVELOPE_INPUT_TEMPLATE,
  exampleRules,
  pipeFilterPattern,
  SOURCE_PATH,
} from '../../config/bus-routing.js';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import type { BusBridgeEnvironment } from '../../processors/bus-bridge/config.js';
import { createBusBridgeEntry } from '../../processors/bus-bridge/entry.js';
import type { EventBusPort } from '../../processors/bus-bridge/event-bus-port.js';
import type { IngestEnvironment } from '../../processors/ingest/config.js';
import { createIngestEntry } from '../../processors/ingest/entry.js';
import { aggregateTableDefinition } from '../../processors/store/index.js';
import type { ProcessorEnvironment } from '../../processors/stream-processor/config.js';
import { createStreamProcessorEntry } from '../../processors/stream-processor/entry.js';
import { createTracing, TRACING_OFF, type Tracing } from '../../processors/tracing/index.js';
import { NdjsonQueue, openEventBus, startEventBridgeEndpoint } from '../bus/index.js';
import {
  PortInUseError,
  type RunningEmulator,
  startDynalite,
  startKinesalite,
  startS3rver,
} from '../emulators/index.js';
import { type LocalEndpoints, resolveDataDir, writeLocalEndpoints } from '../endpoints/index.js';
import {
  type FaultCounts,
  FaultInjector,
  type FaultOptions,
  injectSdkFaults,
  ProcessorCrashes,
  withPutEventsFaults,
} from '../faults/index.js';
import { createS3rverClient, FirehoseDeliveryStream } from '../firehose/index.js';
import { type RunningLocalIngest, startLocalIngest } from '../ingest/index.js';
import { CheckpointCorruptError, createKinesisClient, type ShardLag } from '../kinesis/index.js';
import { KinesisLimits, type KinesisLimitsOptions, type ShardThrottles } from '../kinesis-limits/index.js';
import { KinesisEventSourceMapping } from '../lambda/index.js';
import { createPipe, type PipeDeadLetter } from '../pipe/index.js';
import { OtlpJsonFileExporter, startOtlpHttpReceiver } from '../traces/index.js';
import { DataDirError, InvalidStackOptionsError } from './errors.js';
import { PipeStreamSource } from './pipe-stream-source.js';
import { SilentMetrics } from './silent-metrics.js';
import { lockDataDir, openStackFile } from './stack-file.js';
import {
  type LocalStackPorts,
  type LocalStackSettings,
  type LocalTracingOptions,
  type LocalTracingSettings,
  resolveLocalStackSettings,
} from './stack-settings.js';
import { checkLocalState } from './state-check.js';
import type { LocalStackStats, ShardLagStatus } from './status-line.js';

/** Powertools log levels the local handlers accept. */
export type LocalLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** All state lives here. @default `PIPELINE_DATA_DIR`, else `.local` */
  readonly dataDir?: string;
  /** Pulumi stack whose `Pulumi.<stack>.yaml` gives the values. @default 'dev' */
  readonly stack?: string;
  /** Fixed ports; absent or 0 picks free ones. */
  readonly ports?: LocalStackPorts;
  /** Shard count of a new stream. @default the stack config's `stream.shardCount` */
  readonly shards?: number;
  /** Local shortening of the archive's buffer interval. @default 5 */
  readonly archiveBufferIntervalSeconds?: number;
  /** Powertools log level of the processor and ingest handlers. @default 'WARN' */
  readonly logLevel?: LocalLogLevel;
  /** Do not print background errors to stderr. @default false */
  readonly quiet?: boolean;
  /** Told about every background error (function errors, S3 retries, read errors…). */
  readonly onError?: (error: unknown, where: string) => void;
  /** Told, one line each, what the start-up state check repaired (docs/local-stack.md). @default stderr unless `quiet` */
  readonly onStateRepair?: (message: string) => void;
  /**
   * Fault injection (chaos testing; off when absent): throttling and 5xx on the Kinesis, DynamoDB and S3 clients
   * of every component, partial PutEvents failures, processor crashes mid-batch and slow responses, at `rate`
   * with `seed`. See docs/load.md "Chaos".
   */
  readonly faults?: FaultOptions;
  /**
   * Enforce Kinesis per-shard limits (off when absent or false): writes 1 MB/s or 1,000 records/s, reads 5 GetRecords
   * calls/s and 2 MB/s shared by the processor's mapping, Firehose and the Pipe, answered with
   * ProvisionedThroughputExceededException; the readers then poll an idle shard once a second as AWS's do.
   * See docs/load.md "Where AWS would throttle".
   */
  readonly kinesisLimits?: boolean | KinesisLimitsOptions;
  /**
   * Spans of every component into `<dataDir>/traces/` (docs/local-stack.md "Traces"): on unless `false`; an object
   * sets the sampling ratio or the store's bounds. @default true (every trace, 8 files of 16 MiB)
   */
  readonly tracing?: boolean | LocalTracingOptions;
}

/** `endpoints.json`: the shape of docs/design.md §5, with the local extras (prefixes, dead-letter files, shard count). */
export interface LocalStackEndpoints extends LocalEndpoints {
  readonly stream: { readonly name: string; readonly arn: string; readonly shards: number };
  readonly archivePrefix: string;
  readonly quarantinePrefix: string;
  readonly deadLetters: {
    readonly processorOnFailure: string;
    readonly pipes: Record<string, string>;
    readonly bus: Record<string, string>;
  };
  readonly dataDir: string;
  readonly pid: number;
  readonly startedAt: string;
}

/** A running local stack. */
export interface RunningLocalStack {
  readonly dataDir: string;
  /** What `<dataDir>/endpoints.json` holds. */
  readonly endpoints: LocalStackEndpoints;
  readonly settings: LocalStackSettings;
  /** Milliseconds from the call to ready. */
  readonly readyInMs: number;
  /** Counters since this start. */
  stats(): LocalStackStats;
  /** Faults injected since this start, by kind; undefined when fault injection is off. */
  faults(): FaultCounts | undefined;
  /** Kinesis throttles per shard since this start; undefined when `kinesisLimits` is off. */
  kinesisThrottles(): ShardThrottles[] | undefined;
  /** Stops ingest, the processor, Firehose (flushing, no partial object), the Pipes and the bus; flushes checkpoints; closes the emulators. */
  stop(): Promise<void>;
}

/**
 * Starts the whole pipeline in this process: kinesalite, dynalite and s3rver with state under `dataDir`,
 * the real stream-processor handler behind an emulated Lambda event source mapping, an emulated Firehose
 * to the archive bucket, one Pipe (with the bridge's enrichment) onto the local bus with its rules and queues, and the
 * local ingest API; then writes `<dataDir>/endpoints.json`. Values come from `Pulumi.<stack>.yaml`.
 *
 * Several stacks can run in one process (each with its own data directory and ports): every handler is built from
 * its own config and clients, nothing is read from or written to `process.env`.
 * @example
 * const stack = await startLocalStack({ dataDir: '.local' });
 * console.log(stack.endpoints.endpoints.kinesis);
 * await stack.stop();
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<RunningLocalStack> {
  const began = performance.now();
  const dataDir = resolveDataDir(options.dataDir);
  const stackName = options.stack ?? 'dev';
  const config = loadStackConfigFile(stackName);
  const requested = resolveLocalStackSettings(config, stackName, {
    ...(options.shards === undefined ? {} : { shards: options.shards }),
    ...(options.tracing === undefined ? {} : { tracing: options.tracing }),
    ...(options.archiveBufferIntervalSeconds === undefined
      ? {}
      : { archiveBufferIntervalSeconds: options.archiveBufferIntervalSeconds }),
  });
  const quiet = options.quiet ?? false;
  const repaired =
    options.onStateRepair ??
    ((message: string) => {
      if (!quiet) process.stderr.write(`[local stack] state check: ${message}\n`);
    });
  const { file: stackFile } = await openStackFile(
    dataDir,
    { stack: stackName, shards: requested.shards, names: requested.names },
    repaired,
  );
  if (options.shards !== undefined && options.shards !== stackFile.shards)
    throw new InvalidStackOptionsError(
      `--shards ${options.shards}: the stream in ${dataDir} was created with ${stackFile.shards} shard(s); Kinesis emulation cannot reshard, use another data directory`,
    );
  const settings: LocalStackSettings = { ...requested, shards: stackFile.shards, names: stackFile.names };
  const { names } = settings;
  const report =
    options.onError ??
    ((error: unknown, where: string) => {
      if (!quiet) process.stderr.write(`\n[local stack] ${where}: ${(error as Error)?.message ?? error}\n`);
    });

  const ports = options.ports ?? {};
  const unlock = await lockDataDir(dataDir, repaired);
  let emulators: StackEmulators;
  try {
    emulators = await startEmulators(dataDir, ports, names.bucket);
  } catch (error) {
    await unlock();
    throw error;
  }
  const closers: (() => Promise<unknown>)[] = [
    unlock,
    () => emulators.kinesis.close(),
    () => emulators.dynamodb.close(),
    () => emulators.s3.close(),
  ];
  const closeAll = async () => {
    let first: unknown;
    for (const close of closers.splice(0).reverse()) {
      await close().catch((error: unknown) => {
        first ??= error;
        report(error, 'stop');
      });
    }
    if (first !== undefined) throw first;
  };
  try {
    // Pushed before any component: closed after every one of them has stopped (and flushed its spans).
    const tracing = openTracing(dataDir, settings.tracing, report);
    closers.push(() => tracing.shutdown());
    // Spans of other processes (replay, your consumers) into the same store; closed before it (closers run reversed).
    const otlp =
      tracing.store === undefined
        ? undefined
        : await startOtlpHttpReceiver({ store: tracing.store, port: ports.otlp ?? 0 });
    if (otlp !== undefined) closers.push(() => otlp.close());
    const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    const region = settings.region;
    const reader = createKinesisClient({
      endpoint: emulators.kinesis.endpoint,
      region,
      credentials: { ...credentials },
    });
    const writer = createKinesisClient({
      endpoint: emulators.kinesis.endpoint,
      region,
      credentials: { ...credentials },
    });
    closers.push(async () => {
      reader.destroy();
      writer.destroy();
    });
    // Faults go into each component's own client, so its own retry logic (the SDK's, then the component's) runs.
    const injector = options.faults === undefined ? undefined : new FaultInjector(options.faults);
    const crashes = injector === undefined ? undefined : new ProcessorCrashes(injector);
    const streamArn = await ensureStream(reader, names.stream, settings.shards, dataDir);
    await ensureTable(emulators.dynamodb.endpoint, names.table, region, { ...credentials });
    // Before any reader, queue or listener: repair what a crash or a disk fault left, or refuse naming the file.
    // (Before faults are injected: an injected InternalFailure must not read as a checkpoint of another stream.)
    await checkLocalState({
      dataDir,
      settings,
      kinesis: reader,
      s3Endpoint: emulators.s3.endpoint,
      onRepair: repaired,
    });
    if (injector !== undefined) {
      injectSdkFaults(reader, 'kinesis', injector);
      injectSdkFaults(writer, 'kinesis', injector);
    }
    // One limiter for both clients: every reader of a shard shares its read limit, as on AWS.
    const limits = kinesisLimitsFor(options.kinesisLimits);
    if (limits !== undefined) {
      limits.apply(reader);
      limits.apply(writer);
    }
    // AWS's readers poll an idle shard about once a second (https://docs.aws.amazon.com/streams/latest/dev/kinesis-low-latency.html:
    // one poll per second per application stays under 5 GetRecords/s); the local default (250 ms) would be throttled.
    const idlePoll = limits === undefined ? {} : { pollIntervalMs: AWS_IDLE_POLL_MS };

    const counters = { applied: 0, duplicates: 0, buffered: 0, poison: 0, conflicts: 0 };
    const processorClients = processorClientsFor(emulators, region, credentials);
    closers.push(async () => processorClients.destroy());
    if (injector !== undefined && crashes !== undefined) {
      injectSdkFaults(processorClients.raw, 'dynamodb', injector);
      injectSdkFaults(processorClients.s3, 's3', injector);
      crashes.gate(processorClients.raw);
      crashes.gate(processorClients.s3);
    }
    const logLevel = options.logLevel ?? 'WARN';
    const processorEntry = createStreamProcessorEntry(processorEnvironment(settings), {
      tracing: tracing.forService('stream-processor'),
      dynamodb: processorClients.dynamodb,
      s3: processorClients.s3,
      logger: new Logger({ serviceName: 'stream-processor', logLevel }),
      metrics: new SilentMetrics({ serviceName: 'stream-processor' }),
      onBatchProcessed: (summary) => {
        counters.applied += summary.applied + summary.drained;
        counters.duplicates += summary.duplicates + summary.unverifiedDuplicates;
        counters.buffered += summary.buffered;
        counters.poison += summary.poison;
        counters.conflicts += summary.conflicts;
      },
    });

    const processorHandler = crashes === undefined ? processorEntry : crashes.wrap(processorEntry);

    const bus = await openEventBus({
      name: names.bus,
      dataDir: join(dataDir, 'bus'),
      region,
      tracing: tracing.forService('event-bus'),
      consumerTracing: tracing.forService('consumer'),
      rules: exampleRules(settings.bus.sourcePrefix, settings.bus.aggregateTypes).map((rule) => ({
        name: rule.name,
        eventPattern: rule.eventPattern,
      })),
    });
    closers.push(() => bus.close());
    // Tools that publish to the bus (replay --target bus) use the AWS SDK against this, as they would on AWS.
    const eventbridge = await startEventBridgeEndpoint({ bus, port: ports.eventbridge ?? 0 });
    closers.push(() => eventbridge.close());
    const pipeSources = await openPipes(
      settings,
      injector === undefined ? bus : withPutEventsFaults(bus, injector),
      reader,
      streamArn,
      dataDir,
      report,
      options.logLevel ?? 'WARN',
      idlePoll.pollIntervalMs,
      tracing.forService('pipe'),
    );

    const { mapping } = settings.processor;
    const esm = new KinesisEventSourceMapping({
      client: reader,
      streamName: names.stream,
      streamArn,
      handler: processorHandler,
      functionName: names.functionName,
      dataDir,
      region,
      // As pulumi/stream-processor.ts deploys it (config/event-source-mapping.ts); one batch per shard in flight.
      batchSize: mapping.batchSize,
      maximumBatchingWindowInSeconds: mapping.maximumBatchingWindowInSeconds,
      functionResponseTypes: mapping.functionResponseTypes,
      bisectBatchOnFunctionError: mapping.bisectBatchOnFunctionError,
      maximumRetryAttempts: mapping.maximumRetryAttempts,
      maximumRecordAgeInSeconds: mapping.maximumRecordAgeInSeconds,
      onError: (error, shardId) => report(error, `processor ${shardId ?? ''}`.trim()),
      ...idlePoll,
    });
    const archiveS3 = s3ClientFor(emulators.s3.endpoint, region);
    if (injector !== undefined) injectSdkFaults(archiveS3, 's3', injector);
    const firehose = new FirehoseDeliveryStream({
      name: names.firehose,
      kinesis: reader,
      streamName: names.stream,
      s3: archiveS3,
      bucket: names.bucket,
      prefix: settings.archive.prefix,
      dataDir,
      bufferSizeMiB: settings.archive.bufferSizeMiB,
      bufferIntervalSeconds: settings.archive.bufferIntervalSeconds,
      // As on AWS: from the delivery stream's creation (its first start here, before ingest accepts anything),
      // objects filed under the oldest record's arrival.
      startingPosition: 'LATEST',
      keyTimestamp: 'oldestRecordArrival',
      onError: (error) => report(error, 'firehose'),
      tracing: tracing.forService('firehose'),
      ...idlePoll,
    });
    await startReaders(dataDir, [esm, firehose, ...pipeSources.map((p) => p.source)], closers);

    const ingest = await startIngest(
      writer,
      names.stream,
      stackFile.ingestToken,
      options,
      ports.ingest,
      tracing.forService('ingest'),
    );
    closers.push(() => ingest.close());

    const endpoints: LocalStackEndpoints = {
      region,
      credentials: { ...credentials },
      endpoints: {
        kinesis: emulators.kinesis.endpoint,
        dynamodb: emulators.dynamodb.endpoint,
        s3: emulators.s3.endpoint,
        ingest: ingest.endpoint,
        eventbridge: eventbridge.endpoint,
        ...(otlp === undefined ? {} : { otlp: otlp.endpoint }),
      },
      stream: { name: names.stream, arn: streamArn, shards: settings.shards },
      table: names.table,
      bucket: names.bucket,
      bus: names.bus,
      queues: Object.fromEntries(bus.ruleNames().map((rule) => [rule, bus.queuePath(rule)])),
      ingestToken: stackFile.ingestToken,
      archivePrefix: settings.archive.prefix,
      quarantinePrefix: settings.processor.quarantinePrefix,
      deadLetters: {
        processorOnFailure: join(dataDir, 'lambda', names.functionName, 'on-failure.ndjson'),
        pipes: Object.fromEntries(pipeSources.map((p) => [p.name, p.dlqPath])),
        bus: Object.fromEntries(bus.ruleNames().map((rule) => [rule, bus.deadLetterQueuePath(rule)])),
      },
      dataDir,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    };
    await writeLocalEndpoints(dataDir, endpoints);

    let stopping: Promise<void> | undefined;
    // Reverse start order: ingest (no new records), Pipes, Firehose (flushes its buffer: whole objects
    // only), the processor's mapping (finishes its batch, flushes checkpoints), the bus, then the emulators.
    const stop = () => {
      stopping ??= closeAll();
      return stopping;
    };

    const readyInMs = performance.now() - began;
    return {
      dataDir,
      endpoints,
      settings,
      readyInMs,
      stop,
      faults: () => injector?.counts(),
      kinesisThrottles: () => limits?.throttles(),
      stats: () => {
        const esmStats = esm.stats();
        const busStats = bus.stats();
        const pipeStats = pipeSources.map((p) => p.pipe.stats());
        return {
          ingested: esm.lag().reduce((sum, shard) => sum + shard.recordsRead, 0),
          applied: counters.applied,
          duplicates: counters.duplicates,
          buffered: counters.buffered,
          poison: counters.poison,
          conflicts: counters.conflicts,
          archived: firehose.stats().recordsArchived,
          bridged: pipeStats.reduce((sum, s) => sum + s.sent, 0),
          delivered: busStats.delivered,
          failed:
            esmStats.recordsToDestination +
            pipeStats.reduce((sum, s) => sum + s.failed, 0) +
            busStats.deadLettered,
          lag: mergeLag([esm.lag(), firehose.lag(), ...pipeSources.map((p) => p.source.lag())]),
        };
      },
    };
  } catch (error) {
    await closeAll().catch(() => {});
    throw error;
  }
}

interface StackEmulators {
  readonly kinesis: RunningEmulator;
  readonly dynamodb: RunningEmulator;
  readonly s3: RunningEmulator;
}

async function startEmulators(
  dataDir: string,
  ports: LocalStackPorts,
  bucket: string,
): Promise<StackEmulators> {
  const directories = {
    kinesis: join(dataDir, 'kinesis'),
    dynamodb: join(dataDir, 'dynamodb'),
    s3: join(dataDir, 's3'),
  };
  for (const directory of Object.values(directories)) await mkdir(directory, { recursive: true });
  const results = await Promise.allSettled([
    startKinesalite({ directory: directories.kinesis, port: ports.kinesis ?? 0 }),
    startDynalite({ directory: directories.dynamodb, port: ports.dynamodb ?? 0 }),
    startS3rver({ directory: directories.s3, port: ports.s3 ?? 0, buckets: [bucket] }),
  ]);
  const failure = results.find((r) => r.status === 'rejected');
  if (failure !== undefined) {
    for (const r of results) if (r.status === 'fulfilled') await r.value.close().catch(() => {});
    const error = failure.reason as Error;
    if (error instanceof PortInUseError) throw error;
    throw new DataDirError(
      dataDir,
      `an emulator could not open its state (${error.message}); is another local stack using this directory?`,
      { cause: error },
    );
  }
  const [kinesis, dynamodb, s3] = results.map((r) => (r as PromiseFulfilledResult<RunningEmulator>).value);
  return { kinesis, dynamodb, s3 } as StackEmulators;
}

async function ensureStream(client: KinesisClient, name: string, shards: number, dataDir: string) {
  try {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  // kinesalite makes streams ACTIVE at once; a few polls cover a slow disk.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { StreamDescriptionSummary: summary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (summary?.StreamStatus === 'ACTIVE') {
      if (summary.OpenShardCount !== shards)
        throw new DataDirError(
          dataDir,
          `stream ${name} has ${summary.OpenShardCount} open shards but stack.json says ${shards}`,
        );
      return summary.StreamARN ?? `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new DataDirError(dataDir, `stream ${name} did not become ACTIVE`);
}

async function ensureTable(
  endpoint: string,
  table: string,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
) {
  const client = new DynamoDBClient({ endpoint, region, credentials });
  try {
    await client.send(new CreateTableCommand(aggregateTableDefinition(table)));
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  } finally {
    client.destroy();
  }
}

/** The processor's environment as `pulumi/stream-processor.ts` writes it, through the same type. */
function processorEnvironment(settings: LocalStackSettings): ProcessorEnvironment {
  return {
    TABLE_NAME: settings.names.table,
    QUARANTINE_BUCKET: settings.names.bucket,
    QUARANTINE_PREFIX: settings.processor.quarantinePrefix,
    MAX_GAP_AGE_SECONDS: String(settings.processor.maxGapAgeSeconds),
    WRITE_CONCURRENCY: String(settings.processor.writeConcurrency),
    MAX_WRITE_ATTEMPTS: String(settings.processor.maxWriteAttempts),
    MAX_SNAPSHOT_BYTES: String(settings.processor.maxSnapshotBytes),
    MAX_BUFFERED_EVENTS: String(settings.processor.maxBufferedEvents),
    PROCESSOR_VERSION: 'local',
  };
}

/** The processor's clients, pointed at this stack's emulators (handed to the entry, not set in the environment). */
function processorClientsFor(
  emulators: StackEmulators,
  region: string,
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string },
) {
  const raw = new DynamoDBClient({
    endpoint: emulators.dynamodb.endpoint,
    region,
    credentials: { ...credentials },
  });
  const dynamodb = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const s3 = s3ClientFor(emulators.s3.endpoint, region);
  return {
    raw,
    dynamodb,
    s3,
    destroy: () => {
      raw.destroy();
      s3.destroy();
    },
  };
}

/** The bridge's name: its checkpoint consumer is `pipe-bridge`, its DLQ `pipes/bridge.dlq.ndjson`. */
const BRIDGE_PIPE_NAME = 'bridge';

/**
 * The bus bridge as `pulumi/bus-bridge.ts` declares it: one Pipe for every bridged aggregate type (one reader
 * per shard), whose enrichment is the bridge Lambda's own code (`processors/bus-bridge`), called in-process.
 */
async function openPipes(
  settings: LocalStackSettings,
  bus: EventBusPort,
  client: KinesisClient,
  streamArn: string,
  dataDir: string,
  report: (error: unknown, where: string) => void,
  logLevel: LocalLogLevel,
  pollIntervalMs: number | undefined,
  tracing: Tracing,
) {
  const name = BRIDGE_PIPE_NAME;
  const dlqPath = join(dataDir, 'pipes', `${name}.dlq.ndjson`);
  const pipe = createPipe({
    name,
    region: settings.region,
    sourceArn: streamArn,
    filters: { Filters: [{ Pattern: pipeFilterPattern(settings.bus.aggregateTypes) }] },
    // The enrichment is the bridge Lambda's code, which writes the `publish <bus>` spans (helper 15b): the Pipe
    // itself adds none, so they are not recorded twice.
    enrichment: createBusBridgeEntry(
      {
        EVENT_SOURCE_PREFIX: settings.bus.sourcePrefix,
        EVENT_BUS_NAME: settings.names.bus,
      } satisfies BusBridgeEnvironment,
      {
        logger: new Logger({ serviceName: 'bus-bridge', logLevel }),
        tracing,
      },
    ),
    inputTemplate: ENVELOPE_INPUT_TEMPLATE,
    target: { eventBusName: settings.names.bus, detailType: DETAIL_TYPE_PATH, source: SOURCE_PATH },
    batchSize: settings.bus.pipeBatchSize,
    bus,
    retry: {
      maximumRetryAttempts: settings.bus.pipeMaximumRetryAttempts,
      maximumRecordAgeMs: settings.bus.pipeMaximumRecordAgeSeconds * 1000,
    },
    dlq: await NdjsonQueue.open<PipeDeadLetter>(dlqPath),
  });
  const source = new PipeStreamSource({
    pipe,
    client,
    streamName: settings.names.stream,
    dataDir,
    onError: (error, shardId) => report(error, `pipe ${name} ${shardId ?? ''}`.trim()),
    ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
  });
  return [{ name, pipe, source, dlqPath }];
}

/**
 * Starts every reader; a corrupt checkpoint file becomes a data-dir error. They stop together (each finishes
 * the batch in hand and flushes its checkpoints), so none keeps reading while another flushes.
 */
async function startReaders(
  dataDir: string,
  readers: readonly { start(): Promise<void>; stop(): Promise<void> }[],
  closers: (() => Promise<unknown>)[],
) {
  const started: { stop(): Promise<void> }[] = [];
  closers.push(async () => {
    const results = await Promise.allSettled(started.map((reader) => reader.stop()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  });
  for (const reader of readers) {
    try {
      await reader.start();
    } catch (error) {
      if (error instanceof CheckpointCorruptError)
        throw new DataDirError(dataDir, error.message, { cause: error });
      throw error;
    }
    started.push(reader);
  }
}

async function startIngest(
  writer: KinesisClient,
  streamName: string,
  token: string,
  options: LocalStackOptions,
  port: number | undefined,
  tracing: Tracing,
): Promise<RunningLocalIngest> {
  const level = options.logLevel ?? 'WARN';
  const environment: IngestEnvironment = {
    STREAM_NAME: streamName,
    // The local API checks the token from stack.json (tokenProvider below); no secret is read.
    INGEST_TOKEN_SECRET_ID: 'local-stack',
  };
  const handler = createIngestEntry(environment, {
    tracing,
    kinesis: writer,
    tokenProvider: async () => token,
    logger: new Logger({ serviceName: 'ingest', logLevel: level }),
    metrics: new SilentMetrics({ namespace: 'OrderedEventPipeline/local', serviceName: 'ingest' }),
  });
  return startLocalIngest({ handler, port: port ?? 0 });
}

function s3ClientFor(endpoint: string, region: string) {
  return createS3rverClient({ endpoint, region });
}

/** The stack's tracing: one span store shared by a tracer provider per component, or none at all. */
interface LocalTracing {
  /** The component's tracing (its own `service.name`), or TRACING_OFF when tracing is off. */
  forService(serviceName: LocalServiceName): Tracing;
  /** Flushes and stops every component's provider, then the store. */
  shutdown(): Promise<void>;
  /** The span store, where the OTLP receiver appends; undefined when tracing is off. */
  readonly store: OtlpJsonFileExporter | undefined;
}

/** `service.name` of each component's spans (docs/local-stack.md "Traces"). */
type LocalServiceName = 'ingest' | 'stream-processor' | 'firehose' | 'pipe' | 'event-bus' | 'consumer';

function openTracing(
  dataDir: string,
  settings: LocalTracingSettings,
  report: (error: unknown, where: string) => void,
): LocalTracing {
  if (!settings.enabled) return { forService: () => TRACING_OFF, shutdown: async () => {}, store: undefined };
  const store = new OtlpJsonFileExporter({
    dataDir,
    maxFileBytes: settings.maxFileBytes,
    maxFiles: settings.maxFiles,
    onError: (error) => report(error, 'traces'),
  });
  const providers = new Map<LocalServiceName, Tracing>();
  return {
    store,
    forService: (serviceName) => {
      let tracing = providers.get(serviceName);
      if (tracing === undefined) {
        tracing = createTracing({
          serviceName,
          exporter: store.shared(),
          samplingRatio: settings.samplingRatio,
          resource: { 'deployment.environment.name': 'local' },
        });
        providers.set(serviceName, tracing);
      }
      return tracing;
    },
    shutdown: async () => {
      const results = await Promise.allSettled([...providers.values()].map((t) => t.shutdown()));
      await store.shutdown();
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  };
}

/** Idle poll interval of the readers when Kinesis limits are on. */
const AWS_IDLE_POLL_MS = 1000;

function kinesisLimitsFor(option: LocalStackOptions['kinesisLimits']): KinesisLimits | undefined {
  if (option === undefined || option === false) return undefined;
  return new KinesisLimits(option === true ? {} : option);
}

/** Largest iterator age per shard across readers (pure). */
export function mergeLag(readers: readonly (readonly ShardLag[])[]): ShardLagStatus[] {
  const byShard = new Map<string, number>();
  for (const lags of readers)
    for (const lag of lags)
      byShard.set(lag.shardId, Math.max(byShard.get(lag.shardId) ?? 0, lag.iteratorAgeMs));
  return [...byShard]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([shardId, iteratorAgeMs]) => ({ shardId, iteratorAgeMs }));
}
