import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../local/kinesis/index.js';
import {
  buildKinesisOnFailureRecord,
  countExpired,
  InvalidEventSourceMappingOptionsError,
  interpretBatchResponse,
  type PendingBatch,
  planAfterInvocation,
  resolveEventSourceMappingOptions,
} from '../../local/lambda/index.js';

const record = (n: number, arrivalMs = n * 1000): StreamRecord => ({
  shardId: 'shardId-000000000000',
  sequenceNumber: String(1000 + n),
  partitionKey: 'k',
  data: new Uint8Array([n]),
  approximateArrivalTimestamp: new Date(arrivalMs),
});
const batchOf = (count: number, retries = 0): PendingBatch => ({
  records: Array.from({ length: count }, (_, i) => record(i)),
  retries,
  invokeCount: 1,
  lastFunctionError: false,
});

describe('Function: interpretBatchResponse', () => {
  const records = [record(0), record(1), record(2)];
  it.each([
    ['undefined', undefined, { kind: 'success' }],
    ['an empty list', { batchItemFailures: [] }, { kind: 'success' }],
    ['a null list', { batchItemFailures: null }, { kind: 'success' }],
    ['an empty object', {}, { kind: 'success' }],
    [
      'two failures',
      { batchItemFailures: [{ itemIdentifier: '1001' }, { itemIdentifier: '1002' }] },
      { kind: 'partial', failedIndex: 1 },
    ],
  ])('reads %s', (_name, response, expected) => {
    expect(interpretBatchResponse(records, response, true)).toEqual(expected);
  });

  it.each([
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a wrong key name', { batchItemFailures: [{ itemIdentifer: '1001' }] }],
    ['an unknown sequence number', { batchItemFailures: [{ itemIdentifier: '9' }] }],
    ['a non-list', { batchItemFailures: 'x' }],
  ])('fails the whole batch on %s', (_name, response) => {
    expect(interpretBatchResponse(records, response, true).kind).toBe('failure');
  });

  it('ignores the response without ReportBatchItemFailures', () => {
    expect(interpretBatchResponse(records, { batchItemFailures: [{ itemIdentifier: null }] }, false)).toEqual(
      {
        kind: 'success',
      },
    );
  });
});

/** The event source mapping's error handling as `planAfterInvocation` reads it. */
const policy = (bisectBatchOnFunctionError: boolean, maximumRetryAttempts: number) => ({
  bisectBatchOnFunctionError,
  maximumRetryAttempts,
});

describe('Function: planAfterInvocation', () => {
  const thrown = { kind: 'failure', functionError: true, reason: 'x' } as const;
  it('retries from the lowest failure, counting a retry, without bisect', () => {
    const plan = planAfterInvocation(batchOf(5), { kind: 'partial', failedIndex: 2 }, policy(false, 3));
    expect(plan).toMatchObject({ action: 'retry', succeeded: 2, bisected: false });
    if (plan.action === 'retry')
      expect(plan.next[0]?.records.map((r) => r.sequenceNumber)).toEqual(['1002', '1003', '1004']);
    if (plan.action === 'retry') expect(plan.next[0]?.retries).toBe(1);
  });

  it('splits a failed batch in halves without consuming retries', () => {
    const plan = planAfterInvocation(batchOf(5, 1), thrown, policy(true, 1));
    expect(plan.action).toBe('retry');
    if (plan.action === 'retry') {
      expect(plan.bisected).toBe(true);
      expect(plan.next.map((b) => [b.records.length, b.retries, b.lastFunctionError])).toEqual([
        [3, 1, true],
        [2, 1, true],
      ]);
    }
  });

  it('bisects at the returned sequence number after a partial failure', () => {
    const plan = planAfterInvocation(batchOf(4), { kind: 'partial', failedIndex: 3 }, policy(true, 0));
    expect(plan).toMatchObject({ action: 'retry', succeeded: 3, bisected: true });
  });

  it('discards once retries are exhausted; -1 never discards', () => {
    expect(planAfterInvocation(batchOf(1, 2), thrown, policy(true, 2)).action).toBe('discard');
    expect(planAfterInvocation(batchOf(1, 500), thrown, policy(false, -1)).action).toBe('retry');
  });
});

describe('Function: countExpired', () => {
  it('counts the leading records older than the maximum age', () => {
    const records = [record(0, 1000), record(1, 2000), record(2, 9000)];
    expect(countExpired(records, 10_000, 5000)).toBe(2);
    expect(countExpired(records, 10_000, -1)).toBe(0);
  });
});

describe('Function: buildKinesisOnFailureRecord', () => {
  it('omits responseContext for records never invoked, and functionError after a partial response', () => {
    const base = {
      records: [record(0), record(1)],
      condition: 'RecordAgeExceeded' as const,
      functionArn: 'arn:f',
      streamArn: 'arn:s',
      requestId: 'r',
      timestamp: new Date(0),
    };
    expect(
      buildKinesisOnFailureRecord({ ...base, approximateInvokeCount: 0, functionError: false }),
    ).not.toHaveProperty('responseContext');
    expect(
      buildKinesisOnFailureRecord({ ...base, approximateInvokeCount: 2, functionError: false })
        .responseContext,
    ).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
    expect(
      buildKinesisOnFailureRecord({ ...base, approximateInvokeCount: 2, functionError: true })
        .KinesisBatchInfo,
    ).toEqual({
      shardId: 'shardId-000000000000',
      startSequenceNumber: '1000',
      endSequenceNumber: '1001',
      approximateArrivalOfFirstRecord: '1970-01-01T00:00:00.000Z',
      approximateArrivalOfLastRecord: '1970-01-01T00:00:01.000Z',
      batchSize: 2,
      streamArn: 'arn:s',
    });
  });
});

describe('Function: resolveEventSourceMappingOptions', () => {
  const base = { client: {} as never, streamName: 's', dataDir: '/tmp/x', handler: async () => {} };
  it.each([
    [{ batchSize: 0 }, /batchSize/],
    [{ batchSize: 10_001 }, /batchSize/],
    [{ maximumRetryAttempts: -2 }, /maximumRetryAttempts/],
    [{ maximumRecordAgeInSeconds: 0 }, /maximumRecordAgeInSeconds/],
    [{ maximumBatchingWindowInSeconds: 301 }, /maximumBatchingWindowInSeconds/],
    [{ startingPosition: 'AT_TIMESTAMP' as const }, /startingPositionTimestamp/],
  ])('rejects %o', (options, message) => {
    expect(() => resolveEventSourceMappingOptions({ ...base, ...options })).toThrow(
      InvalidEventSourceMappingOptionsError,
    );
    expect(() => resolveEventSourceMappingOptions({ ...base, ...options })).toThrow(message);
  });

  it('applies Lambda defaults', () => {
    expect(resolveEventSourceMappingOptions(base)).toMatchObject({
      batchSize: 100,
      batchingWindowMs: 0,
      maximumRetryAttempts: -1,
      maximumRecordAgeMs: -1,
      bisectBatchOnFunctionError: false,
      reportBatchItemFailures: false,
      streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
    });
  });
});
