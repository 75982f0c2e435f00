import { Readable } from 'node:stream';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { putRecordsPartially, type WireRequest, type WireResponse } from '../kinesis/partial-put-records.js';
import type { FaultInjector } from './fault-injector.js';
import type { FaultKind } from './fault-options.js';

/** The services whose SDK clients get faults, each with its wire protocol's error shape. */
export type FaultedService = 'kinesis' | 'dynamodb' | 's3';

/** The SDK v3 clients the local stack's components use. */
export type ClientWithMiddleware = KinesisClient | DynamoDBClient | S3Client;

/** The one method of a client's middleware stack this needs, without its overloads. */
export function middlewareStackOf(client: ClientWithMiddleware): {
  add(middleware: unknown, options: { step: string; priority: string; name: string }): void;
} {
  return client.middlewareStack as unknown as ReturnType<typeof middlewareStackOf>;
}

type RawResponse = WireResponse;

/**
 * Data-plane calls that get faults; control-plane calls at start (CreateStream, CreateTable, …) never do, so a
 * chaos run starts like any other.
 */
const ELIGIBLE: Record<FaultedService, ReadonlySet<string>> = {
  kinesis: new Set(['PutRecordsCommand', 'PutRecordCommand', 'GetRecordsCommand', 'GetShardIteratorCommand']),
  dynamodb: new Set([
    'GetItemCommand',
    'BatchGetItemCommand',
    'QueryCommand',
    'PutItemCommand',
    'UpdateItemCommand',
    'DeleteItemCommand',
    'BatchWriteItemCommand',
    'TransactWriteItemsCommand',
    'TransactGetItemsCommand',
  ]),
  s3: new Set(['PutObjectCommand', 'GetObjectCommand']),
};

const THROTTLING: Partial<Record<FaultedService, FaultKind>> = {
  kinesis: 'kinesis-throttling',
  dynamodb: 'dynamodb-throttling',
};
const SERVER_ERROR: Record<FaultedService, FaultKind> = {
  kinesis: 'kinesis-5xx',
  dynamodb: 'dynamodb-5xx',
  s3: 's3-5xx',
};

/**
 * Adds fault injection to an SDK v3 client's middleware stack, just above the HTTP handler (inside the
 * deserializer and the retry middleware), so an injected fault is an HTTP response in the service's own wire
 * format: the SDK parses it into the real exception class and its standard retry strategy treats it as it would
 * on AWS. Throttling and 5xx are answered without sending, except half of the 5xx, which are answered after the
 * request reached the emulator (the write landed, the answer was lost: what a real 500 may mean). Slow responses
 * hold the real answer back for `slowMs`.
 * Error codes: Kinesis https://docs.aws.amazon.com/kinesis/latest/APIReference/API_GetRecords.html#API_GetRecords_Errors,
 * DynamoDB https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html,
 * S3 https://docs.aws.amazon.com/AmazonS3/latest/userguide/ErrorBestPractices.html (SlowDown; an InternalError PUT may have been processed)
 */
export function injectSdkFaults(
  client: ClientWithMiddleware,
  service: FaultedService,
  injector: FaultInjector,
): void {
  const eligible = ELIGIBLE[service];
  const throttling = THROTTLING[service];
  const serverError = SERVER_ERROR[service];
  const middleware =
    (next: (args: unknown) => Promise<{ response: unknown }>, context: { commandName?: string }) =>
    async (args: unknown) => {
      if (!eligible.has(String(context.commandName))) return next(args);
      if (throttling !== undefined && injector.roll(throttling)) {
        // PutRecords is mostly throttled record by record, in a 200 answer: half of its throttles are that kind.
        if (context.commandName === 'PutRecordsCommand' && injector.pick(2) === 1)
          return throttleSomeRecords(args as { request: RawRequest }, next, injector);
        return { response: throttled(service) };
      }
      if (injector.roll(serverError)) {
        if (injector.pick(2) === 1) await next(args).catch(() => undefined);
        return { response: internalError(service) };
      }
      if (injector.roll('slow-response')) {
        const output = await next(args);
        await new Promise((resolve) => setTimeout(resolve, injector.slowMs));
        return output;
      }
      return next(args);
    };
  middlewareStackOf(client).add(middleware, {
    step: 'deserialize',
    priority: 'low',
    name: `injectFaults-${service}`,
  });
}

type RawRequest = WireRequest;

/**
 * A PutRecords call in which some records fail: only the others are sent, and the answer has
 * `FailedRecordCount` and, in the failed records' places, `ErrorCode: ProvisionedThroughputExceededException`
 * (https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecordsResultEntry.html: a failed record has ErrorCode
 * ProvisionedThroughputExceededException or InternalFailure instead of SequenceNumber and ShardId).
 */
async function throttleSomeRecords(
  args: { request: RawRequest },
  next: (args: unknown) => Promise<{ response: unknown }>,
  injector: FaultInjector,
): Promise<{ response: RawResponse }> {
  const raw = args.request.body;
  const text = typeof raw === 'string' ? raw : new TextDecoder().decode(raw as Uint8Array);
  const records = (JSON.parse(text) as { Records: unknown[] }).Records.length;
  const failing = new Set<number>();
  const count = Math.max(1, injector.pick(records));
  while (failing.size < count) failing.add(injector.pick(records));
  return (await putRecordsPartially(
    args,
    next,
    (i) => !failing.has(i),
    'Rate exceeded for shard (injected fault)',
  )) as { response: RawResponse };
}

function throttled(service: FaultedService): RawResponse {
  // Kinesis and DynamoDB both name throttling ProvisionedThroughputExceededException (HTTP 400); DynamoDB on-demand
  // tables may also answer ThrottlingException.
  const type = 'ProvisionedThroughputExceededException';
  const prefix = service === 'dynamodb' ? 'com.amazonaws.dynamodb.v20120810#' : '';
  return jsonError(service, 400, 'Bad Request', `${prefix}${type}`, 'Rate exceeded (injected fault)');
}

function internalError(service: FaultedService): RawResponse {
  if (service === 's3')
    return {
      statusCode: 503,
      reason: 'Slow Down',
      headers: { 'content-type': 'application/xml' },
      body: Readable.from([
        Buffer.from(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate. (injected fault)</Message><RequestId>injected</RequestId></Error>',
        ),
      ]),
    };
  if (service === 'dynamodb')
    return jsonError(
      service,
      500,
      'Internal Server Error',
      'com.amazonaws.dynamodb.v20120810#InternalServerError',
      'Internal server error (injected fault)',
    );
  return jsonError(
    service,
    500,
    'Internal Server Error',
    'InternalFailure',
    'Internal service failure (injected fault)',
  );
}

function jsonError(
  service: FaultedService,
  statusCode: number,
  reason: string,
  type: string,
  message: string,
): RawResponse {
  return {
    statusCode,
    reason,
    headers: {
      'content-type': service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1',
      'x-amzn-requestid': 'injected',
    },
    body: Readable.from([Buffer.from(JSON.stringify({ __type: type, message }))]),
  };
}
