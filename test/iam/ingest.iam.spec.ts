/**
 * IAM contract of the ingest function's role: the calls `processors/ingest/handler.ts` makes (the bearer token
 * through Powertools Parameters' own Secrets Manager client, then PutRecords on real kinesalite), against the
 * role and key policies the Pulumi program builds for each stack. Secrets Manager has no local emulator: a
 * loopback stand-in answers GetSecretValue so the call can be recorded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningEmulator, startKinesalite } from '../../local/emulators/index.js';
import { createActiveStream } from '../../local/kinesis/index.js';
import { orderEnvelope } from '../ingest/envelope-factory.js';
import { postEventsRequest } from '../ingest/post-events-request.js';
import { localKinesisClient } from '../ingest/stream-reader.js';
import { type DeployedStack, deployAllStacks } from './deployed-stack.js';
import { stubHandlerEnvironment } from './handler-environment.js';
import { describeFunctionRoleContract } from './role-contract.js';
import { type RecordedCall, recordSdkCalls } from './sdk-call-recorder.js';

const FUNCTION = 'ingest';
const TOKEN = 'iam-tier-token';

let stacks: DeployedStack[];
let kinesalite: RunningEmulator;
let admin: KinesisClient;
let secrets: Server;
let calls: RecordedCall[];
const statuses: number[] = [];

beforeAll(async () => {
  stacks = await deployAllStacks();
  const env = (stacks[0] as DeployedStack).environment(FUNCTION);
  kinesalite = await startKinesalite();
  admin = localKinesisClient(kinesalite.endpoint);
  await createActiveStream(admin, env.STREAM_NAME as string, 1);
  secrets = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({
          ARN: env.INGEST_TOKEN_SECRET_ID,
          Name: 'token',
          SecretString: TOKEN,
          VersionId: 'v1',
        }),
      );
    });
  });
  await new Promise<void>((ok) => secrets.listen(0, '127.0.0.1', ok));
  stubHandlerEnvironment(env, {
    KINESIS: kinesalite.endpoint,
    SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
  });
  const recorder = recordSdkCalls();
  recorder.exclude(admin);
  try {
    const { handler } = await import('../../processors/ingest/handler.js');
    const body = JSON.stringify(orderEnvelope('iam-ingest', 1));
    statuses.push((await handler(postEventsRequest(body, 'wrong'))).statusCode ?? 0);
    statuses.push((await handler(postEventsRequest(body, TOKEN))).statusCode ?? 0);
  } finally {
    recorder.stop();
  }
  calls = recorder.calls;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  admin?.destroy();
  await new Promise((ok) => secrets?.close(ok));
  await kinesalite?.close();
});

describe('ingest: recorded calls', () => {
  it('read the token and put the accepted envelope on the stream', () => {
    expect(statuses).toEqual([401, 202]);
    expect([...new Set(calls.map((c) => `${c.service}.${c.operation}`))].sort()).toEqual([
      'Kinesis.PutRecords',
      'SecretsManager.GetSecretValue',
    ]);
  });
});

describeFunctionRoleContract(FUNCTION, () => ({ stacks, calls }));
