import http from 'node:http';
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { batchGetReadUnits, readUnits, writeUnits } from '../../bench/capacity-units.js';
import { DynamoCapacityMeter } from '../../bench/dynamo-capacity-meter.js';
import { type RunningEmulator, startDynalite } from '../../local/emulators/index.js';
import { measureItem } from '../../processors/engine/item-size.js';

// The documented rules these checks compare dynalite's reports with:
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html (item size) and
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html (units).

const TABLE = 'meter-test';
let dynalite: RunningEmulator;
let client: DynamoDBClient;
let documents: DynamoDBDocumentClient;
let meter: DynamoCapacityMeter;

/** An item of exactly `bytes` bytes by the documented rules: `pk` (2 + id) and `pad` (3 + padding). */
function itemOfSize(id: string, bytes: number, fill = 'a'): { pk: string; pad: string } {
  const item = { pk: id, pad: fill.repeat(bytes - 2 - id.length - 3) };
  expect(measureItem(item).bytes).toBe(bytes);
  return item;
}

beforeAll(async () => {
  dynalite = await startDynalite();
  client = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }),
  });
  documents = DynamoDBDocumentClient.from(client);
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  meter = new DynamoCapacityMeter({ indexKeyAttributes: ['gapSince'] });
  meter.attach(client);
});

beforeEach(() => {
  meter.reset();
});

afterAll(async () => {
  meter?.detach(client);
  client?.destroy();
  await dynalite?.close();
});

describe('Class: DynamoCapacityMeter against dynalite', () => {
  it('charges a write per started 1 KB, as documented', async () => {
    await documents.send(new PutCommand({ TableName: TABLE, Item: itemOfSize('w1', 1024) }));
    expect(meter.snapshot().write).toBe(writeUnits(1024));
    expect(meter.snapshot().write).toBe(1);
    await documents.send(new PutCommand({ TableName: TABLE, Item: itemOfSize('w2', 1025) }));
    expect(meter.snapshot().write).toBe(1 + writeUnits(1025));
    expect(meter.snapshot()).toMatchObject({ write: 3, read: 0, requests: 2, unreported: 0 });
  });

  it('charges an update the larger of the item before and after', async () => {
    await documents.send(new PutCommand({ TableName: TABLE, Item: itemOfSize('u1', 3000) }));
    meter.reset();
    await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'u1' },
        UpdateExpression: 'SET #pad = :small',
        ExpressionAttributeNames: { '#pad': 'pad' },
        ExpressionAttributeValues: { ':small': 'x' },
      }),
    );
    expect(meter.snapshot().write).toBe(writeUnits(measureItem({ pk: 'u1', pad: 'x' }).bytes, 3000));
    expect(meter.snapshot().write).toBe(3);
  });

  it('charges a read per started 4 KB, half when eventually consistent, the minimum for a missing item', async () => {
    await documents.send(new PutCommand({ TableName: TABLE, Item: itemOfSize('r1', 4096) }));
    await documents.send(new PutCommand({ TableName: TABLE, Item: itemOfSize('r2', 4097) }));
    meter.reset();
    await documents.send(new GetCommand({ TableName: TABLE, Key: { pk: 'r1' }, ConsistentRead: true }));
    expect(meter.snapshot().read).toBe(readUnits(4096, 'strong'));
    await documents.send(new GetCommand({ TableName: TABLE, Key: { pk: 'r2' }, ConsistentRead: true }));
    await documents.send(new GetCommand({ TableName: TABLE, Key: { pk: 'r2' } }));
    await documents.send(new GetCommand({ TableName: TABLE, Key: { pk: 'missing' }, ConsistentRead: true }));
    expect(meter.snapshot().read).toBe(
      readUnits(4096, 'strong') +
        readUnits(4097, 'strong') +
        readUnits(4097, 'eventual') +
        readUnits(0, 'strong'),
    );
    expect(meter.snapshot().read).toBe(1 + 2 + 1 + 1);
  });

  it("rounds each item of a BatchGetItem on its own (the guide's 1.5 KB + 6.5 KB = 12 KB example)", async () => {
    await documents.send(new PutCommand({ TableName: TABLE, Item: itemOfSize('b1', 1536) }));
    await documents.send(new PutCommand({ TableName: TABLE, Item: itemOfSize('b2', 6656) }));
    meter.reset();
    await client.send(
      new BatchGetItemCommand({
        RequestItems: { [TABLE]: { Keys: [{ pk: { S: 'b1' } }, { pk: { S: 'b2' } }], ConsistentRead: true } },
      }),
    );
    expect(meter.snapshot().read).toBe(batchGetReadUnits([1536, 6656], 'strong'));
    expect(meter.snapshot().read).toBe(3);
  });

  it('charges a refused conditional write one unit, counts it, and still throws', async () => {
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'c1' } }));
    meter.reset();
    await expect(
      documents.send(
        new PutCommand({
          TableName: TABLE,
          Item: { pk: 'c1' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(meter.snapshot()).toMatchObject({ write: 1, failedConditionalWrites: 1 });
  });

  it("hides the capacity it asked for from the caller, and leaves the caller's own request alone", async () => {
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'h1' } }));
    const hidden = await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'h1' } } }));
    expect(hidden.ConsumedCapacity).toBeUndefined();
    expect(hidden.Item).toEqual({ pk: { S: 'h1' } });
    const asked = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'h1' } }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    expect(asked.ConsumedCapacity?.CapacityUnits).toBe(0.5);
    expect(meter.snapshot().read).toBe(1);
  });

  it('counts writes that carry an index key, in either item representation', async () => {
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'i1', gapSince: 'x' } }));
    await client.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'i2' }, gapSince: { S: 'x' } } }),
    );
    await documents.send(new PutCommand({ TableName: TABLE, Item: { pk: 'i3' } }));
    expect(meter.snapshot().indexedWrites).toBe(2);
  });

  it("differs from the documented size for non-ASCII strings (dynalite counts UTF-16 units): the bench's items are ASCII", async () => {
    // 600 × "é" is 1,200 UTF-8 bytes (documented: 2 write units) but 600 UTF-16 units to dynalite (1 unit).
    const item = { pk: 'n1', pad: 'é'.repeat(600) };
    expect(writeUnits(measureItem(item).bytes)).toBe(2);
    await documents.send(new PutCommand({ TableName: TABLE, Item: item }));
    expect(meter.snapshot().write).toBe(1);
  });
});
