import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startKinesalite } from '../../local/emulators/index.js';
import { createActiveStream } from '../../local/kinesis/index.js';
import { createOrderedProducer, type ProducerEntry } from '../../processors/producer/index.js';
import { localKinesisClient, readStream } from '../ingest/stream-reader.js';

const STREAM = 'producer-int';
const ASTRAL = '\u{1F600}';

let kinesalite: RunningEmulator;
let kinesis: KinesisClient;

beforeAll(async () => {
  kinesalite = await startKinesalite();
  kinesis = localKinesisClient(kinesalite.endpoint);
  await createActiveStream(kinesis, STREAM, 2);
});

afterAll(async () => {
  kinesis?.destroy();
  await kinesalite?.close();
});

function entry(partitionKey: string, extra: Partial<ProducerEntry> = {}): ProducerEntry {
  return { partitionKey, data: Buffer.from(JSON.stringify({ partitionKey })), ...extra };
}

describe('the producer against kinesalite', () => {
  it('kinesalite counts a partition key in UTF-16 code units and refuses the whole call over 256', async () => {
    const call = (partitionKey: string) =>
      kinesis.send(
        new PutRecordsCommand({
          StreamName: STREAM,
          Records: [
            { PartitionKey: 'innocent', Data: Buffer.from('{}') },
            { PartitionKey: partitionKey, Data: Buffer.from('{}') },
          ],
        }),
      );
    await expect(call(ASTRAL.repeat(128))).resolves.toMatchObject({ FailedRecordCount: 0 });
    await expect(call(ASTRAL.repeat(129))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('fails a 129-astral-character partition key up front and writes the other entries of the same put', async () => {
    const producer = createOrderedProducer({ client: kinesis, streamName: STREAM });
    const results = await producer.put([entry('pk-a'), entry(ASTRAL.repeat(129)), entry('pk-b')]);
    expect(results.map((result) => (result.status === 'failed' ? result.reason : result.status))).toEqual([
      'written',
      'invalid-entry',
      'written',
    ]);
  });

  it("isolates an entry kinesalite refuses the whole call for, and writes every other client's entries", async () => {
    const producer = createOrderedProducer({ client: kinesis, streamName: STREAM, concurrency: 1 });
    const [first, second, third] = await Promise.all([
      producer.put(Array.from({ length: 20 }, (_, i) => entry(`first-${i}`))),
      // Not a valid hash key (0|[1-9]\d{0,38}): kinesalite refuses the call with a ValidationException.
      producer.put([entry('second-0'), entry('second-bad', { explicitHashKey: 'not-a-number' })]),
      producer.put(Array.from({ length: 20 }, (_, i) => entry(`third-${i}`))),
    ]);
    expect(first?.every((result) => result.status === 'written')).toBe(true);
    expect(third?.every((result) => result.status === 'written')).toBe(true);
    expect(second?.map((result) => (result.status === 'failed' ? result.reason : result.status))).toEqual([
      'written',
      'invalid-entry',
    ]);
    const stored = (await readStream(kinesis, STREAM)).filter((record) =>
      /^(first|second|third)-/.test(record.partitionKey),
    );
    expect(stored.map((record) => record.partitionKey).sort()).toEqual(
      [...Array.from({ length: 20 }, (_, i) => [`first-${i}`, `third-${i}`]).flat(), 'second-0'].sort(),
    );
  });
});
