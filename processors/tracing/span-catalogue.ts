/**
 * The names, kinds and attributes of every span the pipeline records (docs/tracing.md). One place, because the
 * local trace view (`npm run trace`) and the load report find an event's spans by these attributes, whichever
 * component wrote them. Messaging attributes follow OpenTelemetry's messaging semantic conventions
 * (https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/); they are still "development" there, so
 * OpenTelemetry advises copying them rather than importing the incubating entry point.
 */

/** `messaging.*` attribute keys (OpenTelemetry messaging semantic conventions). */
export const MessagingAttribute = {
  system: 'messaging.system',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  destinationName: 'messaging.destination.name',
  /** The envelope's `eventId`: how every tool finds an event's spans and links. */
  messageId: 'messaging.message.id',
  /** The envelope's `correlationId`. */
  conversationId: 'messaging.message.conversation_id',
  batchMessageCount: 'messaging.batch.message_count',
  consumerGroupName: 'messaging.consumer.group.name',
} as const;

/** `messaging.system` values: the conventions list `aws_sqs` but no Kinesis or EventBridge, so these follow its form. */
export const MessagingSystem = {
  kinesis: 'aws_kinesis',
  eventBridge: 'aws_eventbridge',
  firehose: 'aws_firehose',
  sqs: 'aws_sqs',
} as const;

/** `messaging.operation.type` values. */
export const MessagingOperationType = {
  create: 'create',
  send: 'send',
  receive: 'receive',
  process: 'process',
  settle: 'settle',
} as const;

/** The pipeline's own attribute keys: the envelope's fields and each hop's outcome. */
export const PipelineAttribute = {
  aggregateType: 'pipeline.aggregate.type',
  aggregateId: 'pipeline.aggregate.id',
  sequence: 'pipeline.event.sequence',
  eventType: 'pipeline.event.type',
  causationId: 'pipeline.event.causation_id',
  /** Where the record landed: the Kinesis shard and sequence number PutRecords answered. */
  shardId: 'pipeline.kinesis.shard_id',
  kinesisSequenceNumber: 'pipeline.kinesis.sequence_number',
  /** The processor's decision for one event (see `DecisionEvent`). */
  decision: 'pipeline.decision',
  /** Why an event was quarantined or refused (the quarantine reason or the rejection reason). */
  reason: 'pipeline.reason',
  versionBefore: 'pipeline.aggregate.version_before',
  versionAfter: 'pipeline.aggregate.version_after',
  /** The archive object (S3 key) or quarantine object an event went to. */
  objectKey: 'pipeline.object.key',
  /** The bus rule and target a delivery went through. */
  ruleName: 'pipeline.bus.rule',
  targetId: 'pipeline.bus.target',
  /** A replayed event: the replay run it belongs to. */
  replayRun: 'pipeline.replay.run',
  /** How a bus delivery ended: `delivered`, `dead_lettered` (after its retries) or `lost` (its DLQ failed too). */
  deliveryOutcome: 'pipeline.delivery.outcome',
  /** Attempts a bus delivery took (1 when the first one succeeded). */
  deliveryAttempts: 'pipeline.delivery.attempts',
} as const;

/** Names of the span events the processor adds to an aggregate write (or batch) span, one per event decided. */
export const DecisionEvent = {
  applied: 'applied',
  buffered: 'buffered',
  duplicate: 'duplicate',
  conflict: 'conflict',
  quarantined: 'quarantined',
  /** Refused by a bounded aggregate (docs/design.md §3, "Bounded aggregates"). */
  rejected: 'rejected',
  /** Will be retried: the write failed and Lambda redelivers from this record. */
  retried: 'retried',
} as const;

/** Span names, `{operation} {destination}` as the messaging conventions name them. */
export const SpanName = {
  /** Ingest: the HTTP request (SERVER). */
  ingestRequest: (route: string) => `POST ${route}`,
  /** One envelope made into a Kinesis record (PRODUCER, `create`), ended once PutRecords placed it. */
  createRecord: (stream: string) => `create ${stream}`,
  /** One PutRecords call (CLIENT, `send`). */
  putRecords: (stream: string) => `send ${stream}`,
  /** The processor's invocation over one batch (CONSUMER, `process`), linked to every record's context. */
  processBatch: (stream: string) => `process ${stream}`,
  /** One aggregate's conditional write (CLIENT), with a decision event per event. */
  writeAggregate: (table: string) => `write ${table}`,
  /** One archive object delivered by Firehose (local stack only), linked to every record in it. */
  archiveObject: (stream: string) => `archive ${stream}`,
  /** One event published to the bus by the Pipe (PRODUCER), child of the envelope's context. */
  publishToBus: (bus: string) => `publish ${bus}`,
  /** One delivery of an event to a rule's target (local bus). */
  deliverToTarget: (rule: string) => `deliver ${rule}`,
  /** The example consumer processing an event from its queue (CONSUMER). */
  consumeFromQueue: (queue: string) => `process ${queue}`,
  /** A replay run's write of a batch of archived events (PRODUCER), linked to the original events. */
  replayBatch: (target: string) => `replay ${target}`,
} as const;
