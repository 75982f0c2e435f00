/**
 * Lambda entry of `POST /events` (API Gateway HTTP API, payload v2). Wires clients once at cold start;
 * endpoints come only from the SDK's standard `AWS_ENDPOINT_URL_<SERVICE>` variables.
 *
 * Environment: `STREAM_NAME` (required), `INGEST_TOKEN_SECRET_ID` (required: Secrets Manager secret id or
 * ARN whose string value is the bearer token), `INGEST_DEADLINE_MS` (default 10000),
 * `INGEST_TOKEN_MAX_AGE_SECONDS` (token cache, default 300).
 */
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AggregateRegistry, orderAggregate } from '../aggregates/index.js';
import { createOrderedProducer } from '../producer/index.js';
import { loadIngestConfig } from './config.js';
import { TokenUnavailableError } from './errors.js';
import { createIngestHandler, type IngestHandler } from './ingestHandler.js';

const config = loadIngestConfig(process.env);
const logger = new Logger({ serviceName: 'ingest' });
const metrics = new Metrics({ namespace: 'OrderedEventPipeline', serviceName: 'ingest' });
const kinesis = new KinesisClient({
  // HTTP/1.1 with keep-alive works on AWS and against kinesalite; a request timeout bounds each call.
  requestHandler: new NodeHttpHandler({
    httpAgent: new Agent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true }),
    requestTimeout: 5_000,
  }),
});

/** Reads the bearer token from Secrets Manager, cached for `INGEST_TOKEN_MAX_AGE_SECONDS`. */
async function tokenProvider(): Promise<string> {
  const token = await getSecret(config.tokenSecretId, { maxAge: config.tokenMaxAgeSeconds });
  if (typeof token !== 'string' || token.length === 0) {
    throw new TokenUnavailableError(`secret ${config.tokenSecretId} has no string value`);
  }
  return token.trim();
}

/** The Lambda handler of `POST /events`. */
export const handler: IngestHandler = createIngestHandler({
  producer: createOrderedProducer({
    client: kinesis,
    streamName: config.streamName,
    deadlineMs: config.deadlineMs,
  }),
  tokenProvider,
  registry: new AggregateRegistry([orderAggregate]),
  logger,
  metrics,
});
