import http from 'node:http';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRequestCounter } from '../../bench/dynamo-request-counter.js';
import { type RunningEmulator, startDynalite } from '../../local/emulators/index.js';

const TABLE = 'counter-test';
let dynalite: RunningEmulator;
let client: DynamoDBClient;

beforeAll(async () => {
  dynalite = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
  });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  client?.destroy();
  await dynalite?.close();
});

describe('Class: DynamoRequestCounter', () => {
  it('counts commands by name and kind, through the document client too', async () => {
    const counter = new DynamoRequestCounter();
    counter.attach(client);
    try {
      const documents = DynamoDBDocumentClient.from(client);
      await client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'a' } } }));
      await documents.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: { pk: 'a' },
          UpdateExpression: 'ADD n :one',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
      await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'a' } } }));
      await client.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'a' } },
        }),
      );
      const counts = counter.snapshot();
      expect(counts.commands).toEqual({
        PutItemCommand: 1,
        UpdateItemCommand: 1,
        GetItemCommand: 1,
        QueryCommand: 1,
      });
      expect(counts.attempts).toEqual(counts.commands);
      expect(counts.commandTotals).toEqual({ read: 2, write: 2, other: 0, total: 4 });
      expect(counts.retries).toBe(0);
    } finally {
      counter.detach(client);
    }
  });

  it('counts each retried attempt apart from the logical command', async () => {
    const counter = new DynamoRequestCounter();
    counter.attach(client);
    let failuresLeft = 2;
    // Inside the retry loop: let the request reach dynalite, then report a server error, twice (a 5xx
    // backs off less than a throttle, which keeps the test quick).
    client.middlewareStack.add(
      (next) => async (args) => {
        const output = await next(args);
        if (failuresLeft > 0) {
          failuresLeft--;
          throw Object.assign(new Error('injected server error'), {
            name: 'InternalServerError',
            $fault: 'server',
            $metadata: { httpStatusCode: 500 },
          });
        }
        return output;
      },
      { step: 'finalizeRequest', name: 'injectServerError', priority: 'low' },
    );
    try {
      await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'b' } } }));
      const counts = counter.snapshot();
      expect(counts.commands).toEqual({ GetItemCommand: 1 });
      expect(counts.attempts).toEqual({ GetItemCommand: 3 });
      expect(counts.attemptTotals).toEqual({ read: 3, write: 0, other: 0, total: 3 });
      expect(counts.retries).toBe(2);
    } finally {
      client.middlewareStack.remove('injectServerError');
      counter.detach(client);
    }
  });

  it('resets, detaches, and lets two counters watch one client', async () => {
    const first = new DynamoRequestCounter();
    const second = new DynamoRequestCounter();
    first.attach(client);
    second.attach(client);
    await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'c' } } }));
    first.reset();
    expect(first.snapshot().commandTotals.total).toBe(0);
    expect(second.snapshot().commandTotals.total).toBe(1);
    second.detach(client);
    await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'c' } } }));
    expect(first.snapshot().commands).toEqual({ GetItemCommand: 1 });
    expect(second.snapshot().commands).toEqual({ GetItemCommand: 1 });
    first.detach(client);
  });
});
