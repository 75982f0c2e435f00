/**
 * The bridge's Pipe enrichment: one Lambda turns every record of a batch into the bus event's parts, so one
 * Pipe (one reader per shard) serves every aggregate type with `source = <prefix>.<aggregateType>`.
 *
 * AWS semantics it relies on (https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html): the Pipe
 * invokes it synchronously with the filtered batch as one JSON array of Kinesis records (`data` base64, as in
 * the Kinesis source's example event), even for a batch of one; the array it returns is what the target
 * receives, and may be shorter than the batch; an error fails the batch, which the Pipe retries (bisecting
 * with `AUTOMATIC_BISECT`) and finally sends to its dead-letter queue.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { decodeEnvelopeBytes, decodeKinesisData, type Envelope, EnvelopeError } from '../envelope/index.js';
import { TRACING_OFF, type Tracing } from '../tracing/tracing.js';
import { type BridgedEvent, bridgedEvent } from './bridged-event.js';
import { NotABatchError } from './errors.js';
import { tracePublish } from './publish-span.js';

/** A Kinesis record as a Pipe hands it to an enrichment (fields the bridge reads). */
export interface PipeKinesisSourceRecord {
  /** Base64 record data (or, defensively, the already parsed JSON). */
  readonly data: unknown;
  readonly eventID?: string;
  readonly sequenceNumber?: string;
  readonly partitionKey?: string;
}

/** Options of {@link createBridgeEnrichment}. */
export interface BridgeEnrichmentOptions {
  /** Events carry `source = <sourcePrefix>.<aggregateType>`. */
  readonly sourcePrefix: string;
  readonly logger: Pick<Logger, 'warn'>;
  /** A `publish <bus>` span per bridged event, child of its envelope's context (docs/tracing.md). @default TRACING_OFF */
  readonly tracing?: Tracing;
  /** The bus the Pipe puts on, naming the spans. @default 'default' */
  readonly busName?: string;
}

/** The enrichment function: a batch of records in, the bridged events out, in stream order. */
export type BridgeEnrichment = (records: unknown) => Promise<BridgedEvent<Envelope>[]>;

function decodeRecordData(data: unknown): Envelope {
  if (typeof data === 'string') return decodeKinesisData(data);
  // Pipes hands Lambda enrichments base64 data; parsed JSON is accepted in case a template ever shapes it.
  return decodeEnvelopeBytes(Buffer.from(JSON.stringify(data) ?? '', 'utf8'));
}

/**
 * Creates the enrichment. A record that is not a valid envelope within the size limit is left out (logged):
 * the processor quarantines the same record, and failing the batch would only hold back its neighbours.
 *
 * @example
 * const enrich = createBridgeEnrichment({ sourcePrefix: 'pipeline', logger: new Logger() });
 * await enrich([{ data: Buffer.from(JSON.stringify(envelope)).toString('base64') }]);
 * // [{ source: 'pipeline.order', detailType: 'OrderPlaced', envelope }]
 */
export function createBridgeEnrichment(options: BridgeEnrichmentOptions): BridgeEnrichment {
  const { sourcePrefix, logger } = options;
  const tracing = options.tracing ?? TRACING_OFF;
  const busName = options.busName ?? 'default';
  return async (records) => {
    if (!Array.isArray(records)) {
      throw new NotABatchError('the enrichment expects the Pipe batch: a JSON array of Kinesis records');
    }
    const events: BridgedEvent<Envelope>[] = [];
    for (const record of records as readonly PipeKinesisSourceRecord[]) {
      try {
        const envelope = decodeRecordData(record?.data);
        events.push(bridgedEvent(sourcePrefix, envelope));
        if (tracing.enabled) tracePublish(tracing, busName, envelope);
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error;
        logger.warn('record left off the bus', {
          reason: error.reason,
          error: error.message,
          eventID: record?.eventID,
          sequenceNumber: record?.sequenceNumber,
          partitionKey: record?.partitionKey,
        });
      }
    }
    return events;
  };
}
