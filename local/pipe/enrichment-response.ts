import { PipeRecordError } from './errors.js';

/** "Enrichment responses are limited to a maximum size of 6MB." https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html */
export const ENRICHMENT_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

/** An event bus target takes at most 10 events per batch (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html). */
export const EVENT_BUS_TARGET_MAX_BATCH = 10;

function isEmptyResponse(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/**
 * The events an enrichment response hands the target (pure): `""`, `{}`, `[]` (and no response) invoke no
 * target; an array is the batch, which may be shorter or longer than the input; anything else is one event.
 * More events than the target takes in one batch is an error: "the pipe won't invoke the target".
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html
 */
export function enrichedEvents(response: unknown, maxBatch: number = EVENT_BUS_TARGET_MAX_BATCH): unknown[] {
  if (isEmptyResponse(response)) return [];
  const events = Array.isArray(response) ? response : [response];
  if (events.length > maxBatch) {
    throw new PipeRecordError(
      'EnrichmentResponseTooLarge',
      `the enrichment returned ${events.length} events; the target takes at most ${maxBatch} per batch`,
    );
  }
  return events;
}
