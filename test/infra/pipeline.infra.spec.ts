import type { ResourceValidationArgs } from '@pulumi/policy';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKFILL_RESULTS_PREFIX } from '../../config/archive-layout.js';
import type { PipelineConfig } from '../../config/config-schema.js';
import { processorMappingSettings } from '../../config/event-source-mapping.js';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import { pipelinePolicies } from '../../policy/policies.js';
import { RESOURCE_STAR_ACTIONS } from '../../policy/policy-document.js';
import { loadBusBridgeConfig } from '../../processors/bus-bridge/config.js';
import { loadIngestConfig } from '../../processors/ingest/config.js';
import { loadStalledCheckConfig } from '../../processors/operator/config.js';
import { lambdaEnvironment } from '../../processors/replay/lambda-config.js';
import { loadProcessorConfig } from '../../processors/stream-processor/config.js';
import { HANDLER_ENTRIES, type PipelineOutputs } from '../../pulumi/pipeline.js';
import {
  ACCOUNT_ID,
  installMocks,
  named,
  ofType,
  output,
  parsePolicy,
  type RecordedResource,
  resolve,
  stubBundler,
  waitForRegistrations,
} from './pulumi-mocks.js';

const T = {
  esm: 'aws:lambda/eventSourceMapping:EventSourceMapping',
  fn: 'aws:lambda/function:Function',
  stream: 'aws:kinesis/stream:Stream',
  consumer: 'aws:kinesis/streamConsumer:StreamConsumer',
  firehose: 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream',
  pipe: 'aws:pipes/pipe:Pipe',
  bus: 'aws:cloudwatch/eventBus:EventBus',
  archive: 'aws:cloudwatch/eventArchive:EventArchive',
  table: 'aws:dynamodb/table:Table',
  bucket: 'aws:s3/bucket:Bucket',
  sse: 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
  pab: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
  versioning: 'aws:s3/bucketVersioning:BucketVersioning',
  lifecycle: 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
  queue: 'aws:sqs/queue:Queue',
  topic: 'aws:sns/topic:Topic',
  secret: 'aws:secretsmanager/secret:Secret',
  alarm: 'aws:cloudwatch/metricAlarm:MetricAlarm',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
  role: 'aws:iam/role:Role',
  stage: 'aws:apigatewayv2/stage:Stage',
  route: 'aws:apigatewayv2/route:Route',
  dashboard: 'aws:cloudwatch/dashboard:Dashboard',
  subscription: 'aws:sns/topicSubscription:TopicSubscription',
  eventRule: 'aws:cloudwatch/eventRule:EventRule',
  eventTarget: 'aws:cloudwatch/eventTarget:EventTarget',
} as const;

describe.each(['dev', 'staging', 'prod'])('Pulumi program, stack %s', (stack) => {
  let resources: RecordedResource[];
  let config: PipelineConfig;
  let outputs: PipelineOutputs;
  let bundler: ReturnType<typeof stubBundler>;

  beforeAll(async () => {
    config = loadStackConfigFile(stack);
    resources = await installMocks(stack);
    bundler = stubBundler();
    // Imported after setMocks so every resource registers against the mock monitor.
    const { createPipeline } = await import('../../pulumi/pipeline.js');
    outputs = createPipeline(config, { bundler });
    await waitForRegistrations();
  });

  it('bundles exactly the five handlers', () => {
    expect(bundler.entries.map((e) => e.entry).sort()).toEqual(
      [
        HANDLER_ENTRIES.ingest,
        HANDLER_ENTRIES.streamProcessor,
        HANDLER_ENTRIES.replay,
        HANDLER_ENTRIES.stalledCheck,
        HANDLER_ENTRIES.busEnrichment,
      ].sort(),
    );
  });

  it('maps the processor for ordering: partial batch response, bisect, bounded parallelism, S3 on-failure', () => {
    const [esm, ...others] = ofType(resources, T.esm);
    expect(others).toHaveLength(0);
    const inputs = esm?.inputs ?? {};
    expect(inputs.functionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(inputs.bisectBatchOnFunctionError).toBe(true);
    expect(inputs.parallelizationFactor).toBe(config.processor.parallelizationFactor);
    expect(inputs.parallelizationFactor as number).toBeLessThanOrEqual(10);
    expect(inputs.batchSize).toBe(config.processor.batchSize);
    expect(inputs.maximumBatchingWindowInSeconds).toBe(config.processor.batchingWindowSeconds);
    expect(inputs.maximumRetryAttempts).toBe(config.processor.maximumRetryAttempts);
    expect(inputs.maximumRecordAgeInSeconds).toBe(config.processor.maximumRecordAgeSeconds);
    // The same settings the local stack's emulated mapping runs with (config/event-source-mapping.ts).
    expect(inputs).toMatchObject({ ...processorMappingSettings(config.processor) });
    expect(inputs.startingPosition).toBe('TRIM_HORIZON');
    const deadLetters = named(resources, T.bucket, 'processor-dead-letters');
    expect(inputs.destinationConfig).toEqual({
      onFailure: { destinationArn: output(deadLetters, 'arn') },
    });
    expect(output(deadLetters, 'arn')).toMatch(/^arn:aws:s3:::processor-dead-letters-[0-9a-f]{7}$/);
  });

  it('reads through the enhanced fan-out consumer exactly when the stack enables it', () => {
    const consumers = ofType(resources, T.consumer);
    const source = ofType(resources, T.esm)[0]?.inputs.eventSourceArn as string;
    if (config.processor.enhancedFanOut) {
      expect(consumers).toHaveLength(1);
      expect(source).toBe(output(consumers[0] as RecordedResource, 'arn'));
      expect(source).toMatch(/^arn:aws:kinesis:[^:]+:\d{12}:stream\/[^/]+\/consumer\/[^:]+:\d+$/);
    } else {
      expect(consumers).toHaveLength(0);
      expect(source).toMatch(/^arn:aws:kinesis:.*:stream\//);
    }
  });

  it('gives every function an environment its Lambda config contract accepts, with the schema defaults', () => {
    const contracts: Record<string, (variables: Record<string, string>) => unknown> = {
      processor: loadProcessorConfig,
      'stalled-check': loadStalledCheckConfig,
      'bus-enrichment': loadBusBridgeConfig,
      ingest: loadIngestConfig,
      // AWS_REGION is the Lambda runtime's own variable.
      'backfill-replay': (variables) => lambdaEnvironment({ ...variables, AWS_REGION: 'us-east-1' }),
    };
    const fns = ofType(resources, T.fn);
    expect(fns.map((fn) => fn.name).sort()).toEqual(Object.keys(contracts).sort());
    for (const fn of fns) {
      const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
      expect(() => contracts[fn.name]?.(variables), fn.name).not.toThrow();
    }
    const processor = loadProcessorConfig(
      (named(resources, T.fn, 'processor').inputs.environment as { variables: Record<string, string> })
        .variables,
    );
    const stalled = loadStalledCheckConfig(
      (named(resources, T.fn, 'stalled-check').inputs.environment as { variables: Record<string, string> })
        .variables,
    );
    expect(stalled.MAX_GAP_AGE_SECONDS).toBe(processor.MAX_GAP_AGE_SECONDS);
  });

  it('runs every function on Node.js 24, arm64, with the processor environment the handler reads', () => {
    const fns = ofType(resources, T.fn);
    expect(fns).toHaveLength(5);
    for (const fn of fns) {
      expect(fn.inputs.runtime).toBe('nodejs24.x');
      expect(fn.inputs.architectures).toEqual(['arm64']);
      expect(fn.inputs.handler).toBe('index.handler');
    }
    const env = (
      named(resources, T.fn, 'processor').inputs.environment as { variables: Record<string, string> }
    ).variables;
    expect(Object.keys(env).sort()).toEqual(
      [
        'DEPLOYMENT_ENVIRONMENT',
        'MAX_BUFFERED_EVENTS',
        'MAX_GAP_AGE_SECONDS',
        'MAX_SNAPSHOT_BYTES',
        'MAX_WRITE_ATTEMPTS',
        'NODE_OPTIONS',
        'POWERTOOLS_LOG_LEVEL',
        'POWERTOOLS_METRICS_NAMESPACE',
        'POWERTOOLS_SERVICE_NAME',
        'PROCESSOR_VERSION',
        'QUARANTINE_BUCKET',
        'QUARANTINE_PREFIX',
        'TABLE_NAME',
        'TRACE_SAMPLING_RATIO',
        'TRACING',
        'WRITE_CONCURRENCY',
      ].sort(),
    );
    expect(env.MAX_GAP_AGE_SECONDS).toBe(String(config.processor.maxGapAgeSeconds));
    // The aggregate limits come from the stack config (README "Limits of an aggregate").
    expect(env.MAX_SNAPSHOT_BYTES).toBe(String(config.processor.maxSnapshotBytes));
    expect(env.MAX_BUFFERED_EVENTS).toBe(String(config.processor.maxBufferedEvents));
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe(config.processor.metricsNamespace);
    expect(env.QUARANTINE_PREFIX).toBe('quarantine/');
    const ingestEnv = (
      named(resources, T.fn, 'ingest').inputs.environment as { variables: Record<string, string> }
    ).variables;
    expect(ingestEnv.STREAM_NAME).toBe(output(named(resources, T.stream, 'events'), 'name'));
    expect(ingestEnv.INGEST_TOKEN_SECRET_ID).toBe(
      output(ofType(resources, T.secret)[0] as RecordedResource, 'arn'),
    );
  });

  it('sizes the stream from the config', () => {
    const stream = named(resources, T.stream, 'events').inputs;
    expect(stream.retentionPeriod).toBe(config.stream.retentionHours);
    if (config.stream.mode === 'provisioned') {
      expect(stream.streamModeDetails).toEqual({ streamMode: 'PROVISIONED' });
      expect(stream.shardCount).toBe(config.stream.shardCount);
    } else {
      expect(stream.streamModeDetails).toEqual({ streamMode: 'ON_DEMAND' });
      expect(stream.shardCount).toBeUndefined();
    }
  });

  it('feeds Firehose from the stream into the archive bucket: GZIP, hourly prefix, error prefix, newline', () => {
    const [firehose] = ofType(resources, T.firehose);
    const streamArn = output(named(resources, T.stream, 'events'), 'arn');
    expect(streamArn).toBe(`arn:aws:kinesis:us-east-1:${ACCOUNT_ID}:stream/events-${streamArn.slice(-7)}`);
    expect(firehose?.inputs.kinesisSourceConfiguration).toMatchObject({ kinesisStreamArn: streamArn });
    const s3 = firehose?.inputs.extendedS3Configuration as Record<string, unknown>;
    expect(s3.bucketArn).toBe(output(named(resources, T.bucket, 'archive-bucket'), 'arn'));
    expect(s3.compressionFormat).toBe('GZIP');
    expect(s3.prefix).toBe('events/!{timestamp:yyyy/MM/dd/HH}/');
    expect(s3.errorOutputPrefix).toMatch(/^errors\//);
    expect(s3.bufferingSize).toBe(config.archive.bufferSizeMiB);
    expect(s3.bufferingInterval).toBe(config.archive.bufferIntervalSeconds);
    expect(s3.kmsKeyArn).toMatch(/^arn:aws:kms:/);
    expect(s3.processingConfiguration).toEqual({
      enabled: true,
      processors: [{ type: 'AppendDelimiterToRecord' }],
    });
  });

  it('pipes the stream to the bus through one Pipe for every aggregate type, with filter, enrichment, template, retries and DLQ', () => {
    // One reader per shard whatever the number of bridged types (each Pipe polls every shard).
    const [pipe, ...others] = ofType(resources, T.pipe);
    expect(others).toHaveLength(0);
    const bus = ofType(resources, T.bus)[0];
    expect(bus?.inputs.name).toBe(config.bus.name ?? `ordered-events-${stack}`);
    const inputs = pipe?.inputs ?? {};
    expect(inputs.source).toBe(output(named(resources, T.stream, 'events'), 'arn'));
    expect(inputs.target).toBe(`arn:aws:events:us-east-1:${ACCOUNT_ID}:event-bus/${bus?.inputs.name}`);
    const enrichment = named(resources, T.fn, 'bus-enrichment');
    expect(inputs.enrichment).toBe(output(enrichment, 'arn'));
    expect((enrichment.inputs.environment as { variables: Record<string, string> }).variables).toMatchObject({
      EVENT_SOURCE_PREFIX: config.bus.sourcePrefix,
    });
    const source = inputs.sourceParameters as {
      kinesisStreamParameters: Record<string, unknown>;
      filterCriteria: { filters: { pattern: string }[] };
    };
    expect(source.kinesisStreamParameters.batchSize as number).toBeLessThanOrEqual(10);
    expect(source.kinesisStreamParameters.maximumRetryAttempts).toBe(config.bus.pipeMaximumRetryAttempts);
    expect(source.kinesisStreamParameters.onPartialBatchItemFailure).toBe('AUTOMATIC_BISECT');
    expect(source.kinesisStreamParameters.deadLetterConfig).toMatchObject({
      arn: expect.stringMatching(/^arn:aws:sqs:/),
    });
    expect(JSON.parse(source.filterCriteria.filters[0]?.pattern ?? '{}')).toEqual({
      data: { aggregateType: [...config.bus.aggregateTypes], eventId: [{ exists: true }] },
    });
    // Whole-value dynamic paths into the enrichment's output; the detail stays {"envelope": …}.
    expect(inputs.targetParameters).toEqual({
      inputTemplate: '{"envelope": <$.envelope>}',
      eventbridgeEventBusParameters: { detailType: '$.detailType', source: '$.source' },
    });
    const statements = parsePolicy(named(resources, T.rolePolicy, 'bus-pipe-policy').inputs.policy).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: ['lambda:InvokeFunction'], Resource: [inputs.enrichment] }),
    );
    // The enrichment calls no AWS API: its own policy only writes its logs (and its spans when tracing is on).
    const own = parsePolicy(named(resources, T.rolePolicy, 'bus-enrichment-policy').inputs.policy).Statement;
    expect(own.flatMap((st) => st.Action).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      ...(config.tracing.enabled ? ['xray:PutSpans'] : []),
    ]);
    expect(ofType(resources, T.archive)[0]?.inputs.retentionDays).toBe(config.bus.archiveRetentionDays);
  });

  it('encrypts every data store', () => {
    expect(named(resources, T.stream, 'events').inputs).toMatchObject({
      encryptionType: 'KMS',
      kmsKeyId: expect.stringMatching(/^arn:aws:kms:/),
    });
    const table = ofType(resources, T.table)[0]?.inputs;
    expect(table?.serverSideEncryption).toEqual({
      enabled: true,
      kmsKeyArn: expect.stringMatching(/^arn:aws:kms:/),
    });
    expect(table?.pointInTimeRecovery).toEqual({ enabled: true });
    expect(table).toMatchObject({ hashKey: 'pk', rangeKey: 'sk', billingMode: 'PAY_PER_REQUEST' });
    const buckets = ofType(resources, T.bucket);
    expect(buckets).toHaveLength(2);
    for (const bucket of buckets) {
      const id = bucket.id;
      const sse = ofType(resources, T.sse).find((r) => r.inputs.bucket === id);
      expect(sse?.inputs.rules).toEqual([
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: expect.any(String) },
          bucketKeyEnabled: true,
        },
      ]);
      const pab = ofType(resources, T.pab).find((r) => r.inputs.bucket === id);
      expect(pab?.inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(
        ofType(resources, T.versioning).find((r) => r.inputs.bucket === id)?.inputs.versioningConfiguration,
      ).toEqual({ status: 'Enabled' });
      expect(
        ofType(resources, T.lifecycle).find((r) => r.inputs.bucket === id)?.inputs.rules,
      ).not.toHaveLength(0);
      expect(bucket.inputs.forceDestroy).toBe(config.archive.forceDestroy);
    }
    for (const queue of ofType(resources, T.queue)) expect(queue.inputs.sqsManagedSseEnabled).toBe(true);
    for (const topic of ofType(resources, T.topic))
      expect(topic.inputs.kmsMasterKeyId).toMatch(/^arn:aws:kms:/);
    for (const secret of ofType(resources, T.secret)) expect(secret.inputs.kmsKeyId).toMatch(/^arn:aws:kms:/);
  });

  it('expires what the archive bucket holds besides events: delivery errors and backfill results', () => {
    const bucket = named(resources, T.bucket, 'archive-bucket');
    const rules = ofType(resources, T.lifecycle).find((r) => r.inputs.bucket === bucket.id)?.inputs.rules as {
      filter: { prefix: string };
      expiration?: { days: number };
    }[];
    const expiring = rules.filter((r) => r.expiration !== undefined).map((r) => r.filter.prefix);
    expect(expiring).toEqual(expect.arrayContaining(['errors/', BACKFILL_RESULTS_PREFIX]));
    // The prefix the state machine's ResultWriter writes to is the one that expires.
    const machine = ofType(resources, 'aws:sfn/stateMachine:StateMachine')[0];
    expect(String(machine?.inputs.definition)).toContain(`"Prefix":"${BACKFILL_RESULTS_PREFIX}"`);
  });

  it('creates the alarms with the configured thresholds, all notifying the topic', () => {
    const alarms = new Map(
      ofType(resources, T.alarm).map((a) => [a.name.replace(/^observability-/, ''), a.inputs]),
    );
    const a = config.alarms;
    const expected: Record<string, [string, number]> = {
      'processor-iterator-age': ['IteratorAge', a.iteratorAgeMs],
      'stream-iterator-age': ['GetRecords.IteratorAgeMilliseconds', a.iteratorAgeMs],
      'processor-errors': ['Errors', a.errors],
      'processor-throttles': ['Throttles', a.throttles],
      'processor-discarded-records': ['OnFailureDestinationDeliveredEventCount', 0],
      'processor-dropped-records': ['DroppedEventCount', 0],
      'ingest-errors': ['Errors', a.errors],
      'ingest-throttles': ['Throttles', a.throttles],
      'stalled-check-errors': ['Errors', 0],
      'quarantine-writes': ['QuarantineWrites', a.quarantineWrites],
      'quarantine-write-failures': ['QuarantineWriteFailures', 0],
      'stalled-aggregates': ['Stalled', a.stalled],
      'archive-freshness': ['DeliveryToS3.DataFreshness', a.firehoseFreshnessSeconds],
      'pipe-dlq-depth': ['ApproximateNumberOfMessagesVisible', a.dlqDepth],
      'delivery-dlq-depth': ['ApproximateNumberOfMessagesVisible', a.dlqDepth],
      'consumer-dlq-depth': ['ApproximateNumberOfMessagesVisible', a.dlqDepth],
    };
    expect([...alarms.keys()].sort()).toEqual(Object.keys(expected).sort());
    const topic = ofType(resources, T.topic)[0];
    for (const [id, [metricName, threshold]] of Object.entries(expected)) {
      const alarm = alarms.get(id);
      expect(alarm, id).toMatchObject({ metricName, threshold, treatMissingData: 'notBreaching' });
      expect(alarm?.datapointsToAlarm as number, id).toBeLessThanOrEqual(alarm?.evaluationPeriods as number);
      expect(alarm?.alarmActions).toEqual([expect.stringContaining(topic?.name ?? '?')]);
    }
    expect(alarms.get('quarantine-writes')).toMatchObject({
      namespace: config.processor.metricsNamespace,
      dimensions: { service: 'stream-processor' },
    });
    // The mapping's own metrics are selected by its UUID, and exist only with EventCount metrics on.
    expect(alarms.get('processor-discarded-records')).toMatchObject({
      namespace: 'AWS/Lambda',
      dimensions: { EventSourceMappingUUID: output(named(resources, T.esm, 'processor-source'), 'uuid') },
    });
    expect(ofType(resources, T.esm)[0]?.inputs.metricsConfig).toEqual({ metrics: ['EventCount'] });
    // The stalled check publishes every 5 minutes: its alarm's period must hold one run.
    expect(alarms.get('stalled-aggregates')?.period as number).toBeGreaterThanOrEqual(300);
    expect(ofType(resources, T.subscription)).toHaveLength(a.notificationEmail === undefined ? 0 : 1);
  });

  it('throttles the ingest API and routes POST /events', () => {
    const stage = ofType(resources, T.stage)[0]?.inputs;
    expect(stage?.defaultRouteSettings).toEqual({
      throttlingRateLimit: config.ingest.throttleRateLimit,
      throttlingBurstLimit: config.ingest.throttleBurstLimit,
    });
    expect(ofType(resources, T.route)[0]?.inputs.routeKey).toBe('POST /events');
  });

  it('checks for stalled aggregates on a schedule, scanning only the sparse gap index', () => {
    const fn = named(resources, T.fn, 'stalled-check');
    const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    expect(env.MAX_GAP_AGE_SECONDS).toBe(String(config.processor.maxGapAgeSeconds));
    expect(env.POWERTOOLS_SERVICE_NAME).toBe('stream-processor');
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe(config.processor.metricsNamespace);
    expect(named(resources, T.eventRule, 'stalled-check-schedule').inputs.scheduleExpression).toBe(
      'rate(5 minutes)',
    );
    expect(ofType(resources, T.eventTarget).some((t) => t.name === 'stalled-check-target')).toBe(true);
    const table = ofType(resources, T.table)[0];
    expect(table?.inputs.globalSecondaryIndexes).toEqual([
      { name: 'gaps', hashKey: 'gapSince', projectionType: 'KEYS_ONLY' },
    ]);
    expect(table?.inputs.attributes).toContainEqual({ name: 'gapSince', type: 'S' });
    const tableArn = table === undefined ? 'no table' : output(table, 'arn');
    const statements = parsePolicy(
      named(resources, T.rolePolicy, 'stalled-check-policy').inputs.policy,
    ).Statement;
    const dynamo = statements.filter((st) => st.Action.some((a) => a.startsWith('dynamodb:')));
    // Scan only on the index (an index is its own IAM resource); the table itself is only read by key.
    expect(dynamo).toEqual([
      expect.objectContaining({ Action: ['dynamodb:Scan'], Resource: [`${tableArn}/index/gaps`] }),
      expect.objectContaining({ Action: ['dynamodb:BatchGetItem'], Resource: [tableArn] }),
    ]);
    expect(statements.flatMap((st) => st.Action)).toContain('kms:Decrypt');
  });

  it('grants no wildcard action and no wildcard resource in any role policy', () => {
    const policies = ofType(resources, T.rolePolicy);
    // processor, ingest, firehose, pipe, bus enrichment, replay function, backfill state machine, stalled
    // check: one role each
    expect(policies).toHaveLength(8);
    expect(ofType(resources, T.role)).toHaveLength(8);
    for (const policy of policies) {
      for (const statement of parsePolicy(policy.inputs.policy).Statement) {
        for (const action of statement.Action) expect(action, policy.name).not.toMatch(/\*/);
        // "*" only where AWS accepts nothing else, and then under a condition (policy/policy-document.ts).
        if (statement.Action.every((a) => RESOURCE_STAR_ACTIONS.has(a)) && statement.Condition !== undefined)
          continue;
        for (const resource of statement.Resource ?? []) expect(resource, policy.name).not.toBe('*');
      }
    }
  });

  it('exports what load tests and replay read', async () => {
    const api = named(resources, 'aws:apigatewayv2/api:Api', 'ingest');
    expect(await resolve(outputs.ingestUrl)).toBe(
      `https://${api.id}.execute-api.us-east-1.amazonaws.com/events`,
    );
    expect(await resolve(outputs.streamName)).toBe(output(named(resources, T.stream, 'events'), 'name'));
    expect(await resolve(outputs.backfillStateMachineArn)).toBe(
      `arn:aws:states:us-east-1:123456789012:stateMachine:ordered-event-pipeline-${stack}-backfill`,
    );
    expect(await resolve(outputs.bucketName)).toBe(
      output(named(resources, T.bucket, 'archive-bucket'), 'bucket'),
    );
    expect(await resolve(outputs.busName)).toBe(config.bus.name ?? `ordered-events-${stack}`);
    expect(await resolve(outputs.queues)).toEqual({
      'order-events': expect.stringMatching(/^https:\/\/sqs\./),
    });
    expect(await resolve(outputs.dashboardUrl)).toBe(
      `https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/ordered-event-pipeline-${stack}`,
    );
    const dashboard = JSON.parse(ofType(resources, T.dashboard)[0]?.inputs.dashboardBody as string);
    expect(dashboard.widgets.length).toBeGreaterThan(5);
  });

  it('passes every resource policy of the policy pack', async () => {
    const reported: string[] = [];
    for (const policy of pipelinePolicies) {
      if (!('validateResource' in policy) || policy.validateResource === undefined) continue;
      for (const validate of [policy.validateResource].flat()) {
        for (const r of resources.filter((x) => x.custom)) {
          const args = { type: r.type, props: r.inputs, urn: r.name, name: r.name } as ResourceValidationArgs;
          await validate(args, (message) => reported.push(`${policy.name} ${r.type} ${r.name}: ${message}`));
        }
      }
    }
    expect(reported).toEqual([]);
  });
});
