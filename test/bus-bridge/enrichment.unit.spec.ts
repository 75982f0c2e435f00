import { describe, expect, it } from 'vitest';
import {
  createBridgeEnrichment,
  loadBusBridgeConfig,
  NotABatchError,
} from '../../processors/bus-bridge/index.js';
import { type Envelope, maxEnvelopeBytes } from '../../processors/envelope/index.js';
import { LambdaConfigError } from '../../processors/lambda-config/index.js';
import { orderEvent } from '../support/order-events.js';

/** A Kinesis record as a Pipe hands it to a Lambda enrichment: `data` base64. */
function pipeRecord(data: unknown, sequenceNumber: string) {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    kinesisSchemaVersion: '1.0',
    partitionKey: 'p',
    sequenceNumber,
    data: Buffer.from(text).toString('base64'),
    approximateArrivalTimestamp: 1_700_000_000,
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/pipe',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/events',
  };
}

function recordingLogger() {
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  return {
    warnings,
    warn: (message: string, fields: Record<string, unknown>) => {
      warnings.push({ message, fields });
    },
  };
}

const customer = (id: string, sequence: number): Envelope => ({
  ...orderEvent(id, sequence),
  aggregateType: 'customer',
  type: 'CustomerRegistered',
  data: { name: id },
});

describe('Function: createBridgeEnrichment', () => {
  it('gives every record of a mixed batch its source and detail-type, in stream order', async () => {
    const enrich = createBridgeEnrichment({ sourcePrefix: 'acme.shop', logger: recordingLogger() });
    const envelopes = [orderEvent('o-1', 1), customer('c-1', 1), orderEvent('o-1', 2), customer('c-1', 2)];
    const out = await enrich(envelopes.map((e, i) => pipeRecord(e, String(i))));
    expect(out).toEqual(
      envelopes.map((envelope) => ({
        source: `acme.shop.${envelope.aggregateType}`,
        detailType: envelope.type,
        envelope,
      })),
    );
    // What the Pipe reads back: a Lambda response travels as JSON.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('leaves out, and logs, records that are not envelopes within the size limit', async () => {
    const logger = recordingLogger();
    const enrich = createBridgeEnrichment({ sourcePrefix: 'pipeline', logger });
    const base = orderEvent('o-2', 1, { data: { customerId: '', currency: 'EUR' } });
    const limit = maxEnvelopeBytes('order', 'OrderPlaced');
    const tooBig = {
      ...base,
      data: { customerId: 'x'.repeat(limit + 1 - Buffer.byteLength(JSON.stringify(base))), currency: 'EUR' },
    };
    const good = orderEvent('o-1', 1);
    const out = await enrich([
      pipeRecord({ ...good, sequence: 0 }, '1'),
      pipeRecord(good, '2'),
      pipeRecord(tooBig, '3'),
      pipeRecord('not json', '4'),
    ]);
    expect(out.map((e) => e.envelope.eventId)).toEqual([good.eventId]);
    expect(logger.warnings.map((w) => [w.fields.sequenceNumber, w.fields.reason])).toEqual([
      ['1', 'schema-violation'],
      ['3', 'oversize'],
      ['4', 'not-json'],
    ]);
  });

  it('returns an empty batch (no target call) when nothing is left', async () => {
    const enrich = createBridgeEnrichment({ sourcePrefix: 'pipeline', logger: recordingLogger() });
    expect(await enrich([])).toEqual([]);
    expect(await enrich([pipeRecord('[1]', '1')])).toEqual([]);
  });

  it('fails a call that is not a batch, so the Pipe retries and dead-letters it', async () => {
    const enrich = createBridgeEnrichment({ sourcePrefix: 'pipeline', logger: recordingLogger() });
    await expect(enrich(pipeRecord(orderEvent('o', 1), '1'))).rejects.toBeInstanceOf(NotABatchError);
  });
});

describe('Function: loadBusBridgeConfig', () => {
  it('reads EVENT_SOURCE_PREFIX, EVENT_BUS_NAME and the tracing variables', () => {
    expect(loadBusBridgeConfig({ EVENT_SOURCE_PREFIX: 'acme.shop' })).toEqual({
      sourcePrefix: 'acme.shop',
      busName: 'default',
      tracing: { TRACING: 'off', TRACE_SAMPLING_RATIO: 1 },
    });
    expect(
      loadBusBridgeConfig({ EVENT_SOURCE_PREFIX: 'acme.shop', EVENT_BUS_NAME: 'orders', TRACING: 'on' }),
    ).toMatchObject({ busName: 'orders', tracing: { TRACING: 'on' } });
  });

  it.each([
    [{}, /is required/],
    [{ EVENT_SOURCE_PREFIX: 'Acme' }, /dotted lower-case/],
    [{ EVENT_SOURCE_PREFIX: 'aws.shop' }, /reserved/],
    [{ EVENT_SOURCE_PREFIX: 'a'.repeat(65) }, /at most 64/],
  ])('refuses %j', (env, message) => {
    expect(() => loadBusBridgeConfig(env)).toThrow(LambdaConfigError);
    expect(() => loadBusBridgeConfig(env)).toThrow(message);
  });
});
