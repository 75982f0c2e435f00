/**
 * Lambda entry of `POST /events` (API Gateway HTTP API, payload v2). The factory takes the environment
 * (contract: config.ts) and, optionally, ready clients; `handler` (in the handler module) applies it to
 * `process.env`, with clients from the SDK's defaults (endpoints only from its standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables).
 */
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AggregateRegistry, orderAggregate } from '../aggregates/index.js';
import type { EnvironmentInput } from '../lambda-config/index.js';
import { createOrderedProducer } from '../producer/index.js';
import { lambdaTracing, type Tracing } from '../tracing/index.js';
import { loadIngestConfig } from './config.js';
import { TokenUnavailableError } from './errors.js';
import { createIngestHandler, type IngestHandler } from './ingest-handler.js';

/** What the caller may hand the entry instead of the defaults. */
export interface IngestEntryOptions {
  /** @default a Kinesis client from the SDK's default chain, HTTP/1.1 keep-alive, 5 s request timeout */
  readonly kinesis?: KinesisClient;
  /** @default the Secrets Manager secret `INGEST_TOKEN_SECRET_ID`, cached `INGEST_TOKEN_MAX_AGE_SECONDS` */
  readonly tokenProvider?: () => Promise<string>;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Spans of each request (docs/tracing.md), flushed before the handler returns. @default `lambdaTracing` from `TRACING` */
  readonly tracing?: Tracing;
}

/**
 * Builds the handler of `POST /events` from its environment (checked once, at cold start).
 * @throws LambdaConfigError naming each bad variable.
 */
export function createIngestEntry(
  environment: EnvironmentInput,
  options: IngestEntryOptions = {},
): IngestHandler {
  const config = loadIngestConfig(environment);
  const kinesis =
    options.kinesis ??
    new KinesisClient({
      // HTTP/1.1 with keep-alive works on AWS and against kinesalite; a request timeout bounds each call.
      requestHandler: new NodeHttpHandler({
        httpAgent: new Agent({ keepAlive: true }),
        httpsAgent: new HttpsAgent({ keepAlive: true }),
        requestTimeout: 5_000,
      }),
    });
  const secretToken = async (): Promise<string> => {
    const token = await getSecret(config.tokenSecretId, { maxAge: config.tokenMaxAgeSeconds });
    if (typeof token !== 'string' || token.length === 0) {
      throw new TokenUnavailableError(`secret ${config.tokenSecretId} has no string value`);
    }
    return token.trim();
  };
  const tracing = options.tracing ?? lambdaTracing(config.tracing, 'ingest');
  const logger = options.logger ?? new Logger({ serviceName: 'ingest' });
  const handler = createIngestHandler({
    producer: createOrderedProducer({
      client: kinesis,
      streamName: config.streamName,
      deadlineMs: config.deadlineMs,
    }),
    tokenProvider: options.tokenProvider ?? secretToken,
    registry: new AggregateRegistry([orderAggregate]),
    logger,
    metrics: options.metrics ?? new Metrics({ namespace: 'OrderedEventPipeline', serviceName: 'ingest' }),
    tracing,
    streamName: config.streamName,
  });
  if (!tracing.enabled) return handler;
  return async (event) => {
    try {
      return await handler(event);
    } finally {
      // Lambda freezes the environment once the handler returns: spans not exported by then may never be.
      // https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
      await tracing.flush().catch((error: unknown) => {
        logger.warn('spans not exported', { error: error as Error });
      });
    }
  };
}
