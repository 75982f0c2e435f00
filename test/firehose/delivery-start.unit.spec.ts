import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryStartFile, resolveDeliveryStart } from '../../local/firehose/delivery-start.js';
import { InvalidFirehoseOptionsError } from '../../local/firehose/errors.js';

// Firehose reads a Kinesis source from this instant on
// (https://docs.aws.amazon.com/firehose/latest/APIReference/API_KinesisStreamSourceDescription.html:
// "Firehose starts retrieving records from the Kinesis data stream starting with this timestamp").
describe('Function: resolveDeliveryStart', () => {
  let dataDir: string;
  const created = new Date('2026-03-04T05:06:07.890Z');
  const options = (neverRan: boolean, now: Date = created) => ({
    dataDir,
    deliveryStreamName: 'archive',
    streamName: 'events',
    neverRan,
    now: () => now,
  });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'delivery-start-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is the first start of a delivery stream that never ran, and stays so on every later start', async () => {
    expect(await resolveDeliveryStart(options(true))).toEqual(created);
    // A later start (checkpoints written meanwhile, clock moved on) keeps the creation instant.
    expect(await resolveDeliveryStart(options(false, new Date('2027-01-01T00:00:00Z')))).toEqual(created);
  });

  it('is the beginning of the stream for a data directory whose checkpoints predate the file', async () => {
    expect((await resolveDeliveryStart(options(false))).getTime()).toBe(0);
    expect((await resolveDeliveryStart(options(true))).getTime()).toBe(0);
  });

  it('refuses a file of another stream or of another shape, naming it', async () => {
    await resolveDeliveryStart(options(true));
    const otherStream = resolveDeliveryStart({ ...options(true), streamName: 'orders' });
    await expect(otherStream).rejects.toThrow(InvalidFirehoseOptionsError);
    await expect(otherStream).rejects.toThrow(/belongs to stream events, not orders/);
    const file = deliveryStartFile(dataDir, 'archive');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, '{"format":"something-else"}');
    await expect(resolveDeliveryStart(options(true))).rejects.toThrow(file);
    await writeFile(file, 'not json');
    await expect(resolveDeliveryStart(options(true))).rejects.toThrow(InvalidFirehoseOptionsError);
  });
});
