import { describe, expect, it } from 'vitest';
import { lambdaRuntime, streamReaderStartPosition, TYPES } from '../../policy/policies.js';
import { violations } from './policy-harness.js';

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/events';

/** The mapping StreamProcessor declares (pulumi/stream-processor.ts). */
const mapping = {
  eventSourceArn: STREAM_ARN,
  functionName: 'arn:aws:lambda:us-east-1:123456789012:function:processor-5a4b3c',
  startingPosition: 'TRIM_HORIZON',
  batchSize: 100,
  maximumBatchingWindowInSeconds: 1,
  parallelizationFactor: 1,
  functionResponseTypes: ['ReportBatchItemFailures'],
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 10,
  maximumRecordAgeInSeconds: 86_400,
  destinationConfig: { onFailure: { destinationArn: 'arn:aws:s3:::dead-letters-1a2b3c' } },
};

/** A pipe as BusBridge declares it (pulumi/bus-bridge.ts). */
function pipe(startingPosition: string) {
  return {
    source: STREAM_ARN,
    target: 'arn:aws:events:us-east-1:123456789012:event-bus/ordered-events-dev',
    roleArn: 'arn:aws:iam::123456789012:role/bus-pipe-role',
    sourceParameters: {
      kinesisStreamParameters: {
        startingPosition,
        batchSize: 10,
        maximumBatchingWindowInSeconds: 1,
        maximumRetryAttempts: 10,
        deadLetterConfig: { arn: 'arn:aws:sqs:us-east-1:123456789012:pipe-dlq' },
      },
    },
  };
}

describe('stream-reader-no-latest-start', () => {
  it('accepts TRIM_HORIZON and AT_TIMESTAMP mappings and pipes, and SQS mappings', async () => {
    const type = TYPES.eventSourceMapping;
    expect(await violations(streamReaderStartPosition, type, mapping)).toEqual([]);
    const atTimestamp = {
      ...mapping,
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestamp: '2026-01-01T00:00:00Z',
    };
    expect(await violations(streamReaderStartPosition, type, atTimestamp)).toEqual([]);
    const sqs = { eventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:q', functionName: 'f', batchSize: 10 };
    expect(await violations(streamReaderStartPosition, type, sqs)).toEqual([]);
    expect(await violations(streamReaderStartPosition, TYPES.pipe, pipe('TRIM_HORIZON'))).toEqual([]);
  });

  it('reports a mapping and a pipe that start at LATEST', async () => {
    expect(
      await violations(streamReaderStartPosition, TYPES.eventSourceMapping, {
        ...mapping,
        startingPosition: 'LATEST',
      }),
    ).toEqual([expect.stringMatching(/^startingPosition is LATEST: records written before/)]);
    expect(await violations(streamReaderStartPosition, TYPES.pipe, pipe('LATEST'))).toEqual([
      expect.stringMatching(/^sourceParameters\.kinesisStreamParameters\.startingPosition is LATEST/),
    ]);
  });
});

describe('lambda-node24-arm64', () => {
  const fn = {
    runtime: 'nodejs24.x',
    architectures: ['arm64'],
    handler: 'index.handler',
    memorySize: 512,
    timeout: 60,
    role: 'arn:aws:iam::123456789012:role/processor-role',
  };

  it('is mandatory and accepts nodejs24.x on arm64', async () => {
    expect(lambdaRuntime.enforcementLevel).toBe('mandatory');
    expect(await violations(lambdaRuntime, TYPES.lambdaFunction, fn)).toEqual([]);
  });

  it.each([
    ['nodejs22.x', { runtime: 'nodejs22.x' }, /runtime nodejs22\.x is not nodejs24\.x/],
    ['no runtime', { runtime: undefined }, /runtime undefined is not nodejs24\.x/],
    ['x86_64', { architectures: ['x86_64'] }, /architectures must be \[arm64\]/],
    ['no architectures', { architectures: undefined }, /architectures must be \[arm64\]/],
  ])('reports %s', async (_, patch, message) => {
    expect(await violations(lambdaRuntime, TYPES.lambdaFunction, { ...fn, ...patch })).toEqual([
      expect.stringMatching(message),
    ]);
  });
});
