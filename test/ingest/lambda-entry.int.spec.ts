import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startKinesalite } from '../../local/emulators/index.js';
import { createActiveStream } from '../../local/kinesis/index.js';
import { decodeEnvelopeBytes } from '../../processors/envelope/index.js';
import { orderEnvelope } from './envelope-factory.js';
import { postEventsRequest } from './post-events-request.js';
import { localKinesisClient, readStream } from './stream-reader.js';

const TOKEN = 'lambda-entry-token';
const STREAM = 'lambda-entry';
const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:ingest-token-AbCdEf';

let kinesalite: RunningEmulator;
let reader: KinesisClient;
// No Secrets Manager emulator ships with the project: this stand-in answers GetSecretValue over the real
// awsJson1_1 protocol, so the SDK, Powertools Parameters and the endpoint variables are all exercised.
let secrets: Server;
let secretCalls = 0;
const savedEnv = { ...process.env };

beforeAll(async () => {
  kinesalite = await startKinesalite();
  reader = localKinesisClient(kinesalite.endpoint);
  await createActiveStream(reader, STREAM, 1);
  secrets = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      secretCalls += request.headers['x-amz-target'] === 'secretsmanager.GetSecretValue' ? 1 : 0;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({ ARN: SECRET_ID, Name: 'ingest-token', SecretString: TOKEN, VersionId: 'v1' }),
      );
    });
  });
  await new Promise<void>((resolve) => secrets.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_KINESIS: kinesalite.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
    STREAM_NAME: STREAM,
    INGEST_TOKEN_SECRET_ID: SECRET_ID,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});

afterAll(async () => {
  process.env = savedEnv;
  reader?.destroy();
  await new Promise((resolve) => secrets?.close(resolve));
  await kinesalite?.close();
});

describe('Lambda entry processors/ingest/handler.ts', () => {
  it('wires Kinesis and the cached Secrets Manager token from the standard endpoint variables', async () => {
    const { handler } = await import('../../processors/ingest/handler.js');
    const envelope = orderEnvelope('lambda-1', 1);
    expect((await handler(postEventsRequest(JSON.stringify(envelope), 'wrong'))).statusCode).toBe(401);
    const accepted = await handler(postEventsRequest(JSON.stringify(envelope), TOKEN));
    expect(accepted.statusCode).toBe(202);
    const stored = await readStream(reader, STREAM);
    expect(stored.map((r) => decodeEnvelopeBytes(r.data))).toEqual([envelope]);
    // The token is read once and then served from the Powertools cache.
    expect(secretCalls).toBe(1);
  });
});
